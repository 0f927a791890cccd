import { randomInt } from 'node:crypto';
import { AppError } from '../../shared/errors.js';
import { hashPassword, verifyPassword } from '../../shared/crypto.js';
import type { Clock, Store, UserRecord } from '../ports.js';
import type { CredentialRecord } from './ports.js';
import { DEFAULT_PASSWORD_POLICY, lockoutMs, passwordProblem, type PasswordPolicy } from './policy.js';

const DAY_MS = 86_400_000;
// No 0/O, 1/I/L: activation codes are read off paper and typed by hand.
const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

/** Why a password must be changed before a session is given, or null. */
export type ChangeReason = 'initial' | 'expired' | 'activation';

/**
 * Passwords under the organisation's policy: checking a new one (rules and history), setting one, failed
 * sign-ins and locks, expiry, activation codes. Sign-in (AuthService) and administration both set passwords
 * only through here, so no path skips the policy.
 */
export class Credentials {
  constructor(private readonly store: Store, private readonly clock: Clock) {}

  get(userId: number): Promise<CredentialRecord> {
    return this.store.credentials.get(userId);
  }

  async policy(): Promise<PasswordPolicy> {
    const stored = (await this.store.credentials.policy()) ?? {};
    return Object.fromEntries(Object.entries(DEFAULT_PASSWORD_POLICY).map(([k, v]) => [k, (stored as Record<string, unknown>)[k] ?? v])) as PasswordPolicy;
  }

  /** Refuses a password the policy does not allow (SB_WEAK_PASSWORD), or one used recently by this person (SB_PASSWORD_REUSED). */
  async checkNew(user: UserRecord, password: string, opts: { history: boolean }): Promise<void> {
    const policy = await this.policy();
    const problem = passwordProblem(password, user.account, policy);
    if (problem) throw new AppError('SB_WEAK_PASSWORD', `new_password: ${problem}`, { field: 'new_password', problem, policy: rulesOf(policy) });
    if (!opts.history) return;
    const cred = await this.store.credentials.get(user.id);
    const earlier = [user.password_hash, ...cred.history.slice(0, policy.history)].filter((h) => h !== '');
    for (const hash of earlier) {
      if (await verifyPassword(password, hash)) throw new AppError('SB_PASSWORD_REUSED', `new_password: it must not be your current password or one of the last ${policy.history}`, { field: 'new_password' });
    }
  }

  /**
   * Sets a password already checked: the old hash goes into the history, failures and any activation code are
   * cleared, and `mustChange` says whether the next sign-in must replace it.
   */
  async set(user: UserRecord, password: string, mustChange: boolean): Promise<void> {
    const policy = await this.policy();
    const now = this.clock.now();
    const cred = await this.store.credentials.get(user.id);
    const history = user.password_hash ? [user.password_hash, ...cred.history].slice(0, policy.history) : cred.history.slice(0, policy.history);
    await this.store.users.update(user.id, { passwordHash: await hashPassword(password) }, now);
    await this.store.credentials.update(user.id, {
      password_set_at: now, must_change: mustChange, history, failures: 0, locked_until: null, lockouts: 0, activation_hash: null, activation_expires_at: null,
    });
  }

  /** The time left on a lock, or 0. */
  lockedFor(cred: CredentialRecord): number {
    return cred.locked_until === null ? 0 : Math.max(0, cred.locked_until - this.clock.now());
  }

  async failed(userId: number): Promise<CredentialRecord> {
    const policy = await this.policy();
    return this.store.credentials.recordFailure(userId, this.clock.now(), policy.lockout_threshold, (n) => lockoutMs(policy, n));
  }

  async succeeded(cred: CredentialRecord): Promise<void> {
    if (cred.failures !== 0 || cred.lockouts !== 0 || cred.locked_until !== null) await this.store.credentials.update(cred.user_id, { failures: 0, lockouts: 0, locked_until: null });
  }

  /** Whether this sign-in must set a new password first, and why. */
  async changeReason(cred: CredentialRecord, byActivation: boolean): Promise<ChangeReason | null> {
    if (byActivation) return 'activation';
    if (cred.must_change) return 'initial';
    const { max_age_days: maxAge } = await this.policy();
    if (maxAge > 0 && cred.password_set_at !== null && this.clock.now() - cred.password_set_at > maxAge * DAY_MS) return 'expired';
    return null;
  }

  /** When a password set now would have to change, or null when the policy lets passwords last. */
  async expiresAt(cred: CredentialRecord): Promise<number | null> {
    const { max_age_days: maxAge } = await this.policy();
    return maxAge > 0 && cred.password_set_at !== null ? cred.password_set_at + maxAge * DAY_MS : null;
  }

  /** Whether `code` is this person's unexpired activation code. */
  async activationMatches(cred: CredentialRecord, code: string): Promise<boolean> {
    if (!cred.activation_hash || (cred.activation_expires_at ?? 0) <= this.clock.now()) return false;
    return verifyPassword(code.replace(/[\s-]/g, '').toUpperCase(), cred.activation_hash);
  }

  /** A new one-time activation code (replacing any earlier one); its text is returned once, only its hash is kept. */
  async issueActivation(userId: number): Promise<{ code: string; expires_at: number }> {
    const { activation_days: days } = await this.policy();
    const raw = Array.from({ length: 12 }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]).join('');
    const expiresAt = this.clock.now() + days * DAY_MS;
    await this.store.credentials.update(userId, { activation_hash: await hashPassword(raw), activation_expires_at: expiresAt });
    return { code: `${raw.slice(0, 4)}-${raw.slice(4, 8)}-${raw.slice(8)}`, expires_at: expiresAt };
  }
}

/** The rules a person needs to choose a password (shown beside the field). */
export const rulesOf = (p: PasswordPolicy) => ({ min_length: p.min_length, min_classes: p.min_classes, history: p.history, max_age_days: p.max_age_days });

/** 16 characters from four classes: always meets any policy up to 16 characters and 4 classes. */
export function generatePassword(minLength = 16): string {
  const sets = ['abcdefghijkmnpqrstuvwxyz', 'ABCDEFGHJKMNPQRSTUVWXYZ', '23456789', '-_.!#%+'];
  const length = Math.max(16, minLength);
  const chars = sets.map((s) => s[randomInt(s.length)]!);
  const all = sets.join('');
  while (chars.length < length) chars.push(all[randomInt(all.length)]!);
  for (let i = chars.length - 1; i > 0; i--) { const j = randomInt(i + 1); [chars[i], chars[j]] = [chars[j]!, chars[i]!]; }
  return chars.join('');
}
