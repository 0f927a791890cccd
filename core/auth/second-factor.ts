import { AppError } from '../../shared/errors.js';
import type { Actor } from '../actor.js';
import type { Clock, Store } from '../ports.js';
import { rulesOf, type Credentials } from './credentials.js';
import type { AuthService } from './service.js';
import { matchTotp, newTotpSecret, otpauthUri } from './totp.js';

/** My account's security as I see it in 账号与安全: the rules for my password, its expiry, my second factor. */
export interface MySecurityView {
  totp_enabled: boolean;
  /** The policy asks me (an administrator) to keep a second factor: it cannot be turned off. */
  totp_required: boolean;
  password_set_at: number | null;
  password_expires_at: number | null;
  policy: ReturnType<typeof rulesOf>;
}

/** The second factor (TOTP) a person turns on and off themselves; administrators reset it (AccountAdmin). */
export class SecondFactorService {
  constructor(
    private readonly store: Store,
    private readonly auth: AuthService,
    private readonly credentials: Credentials,
    private readonly clock: Clock,
    private readonly issuer: string,
  ) {}

  async mine(actor: Actor): Promise<MySecurityView> {
    const user = await this.store.users.byId(actor.userId);
    const cred = await this.credentials.get(actor.userId);
    const policy = await this.credentials.policy();
    return {
      totp_enabled: cred.totp_secret !== null, totp_required: Boolean(user?.is_admin && policy.totp_for_admins),
      password_set_at: cred.password_set_at, password_expires_at: await this.credentials.expiresAt(cred), policy: rulesOf(policy),
    };
  }

  /** Starts setting up an authenticator: a new secret, kept pending until a code from it is confirmed. */
  async begin(actor: Actor, p: { current_password: string }, ip: string | null): Promise<{ secret: string; otpauth_uri: string }> {
    const user = await this.auth.confirmPassword(actor, p.current_password, ip);
    const secret = newTotpSecret();
    await this.store.credentials.update(user.id, { totp_pending: secret });
    return { secret, otpauth_uri: otpauthUri(this.issuer, user.account, secret) };
  }

  /** The first code from the new authenticator turns it on (replacing any earlier one). */
  async confirm(actor: Actor, p: { code: string }): Promise<{ totp_enabled: true }> {
    const cred = await this.credentials.get(actor.userId);
    if (!cred.totp_pending) throw new AppError('SB_NOT_FOUND', 'No authenticator is being set up; start again');
    const step = matchTotp(cred.totp_pending, p.code, this.clock.now(), 0);
    if (step === null) throw new AppError('SB_BAD_TOTP');
    await this.store.credentials.update(actor.userId, { totp_secret: cred.totp_pending, totp_pending: null, totp_last_step: step });
    return { totp_enabled: true };
  }

  /** Turning it off takes the password and a current code, and is refused where the policy requires it. */
  async disable(actor: Actor, p: { current_password: string; code: string }, ip: string | null): Promise<{ totp_enabled: false }> {
    const user = await this.auth.confirmPassword(actor, p.current_password, ip);
    const cred = await this.credentials.get(user.id);
    if (!cred.totp_secret) return { totp_enabled: false };
    if (user.is_admin && (await this.credentials.policy()).totp_for_admins) throw new AppError('SB_FORBIDDEN', 'The password policy requires administrators to keep a second factor');
    const step = matchTotp(cred.totp_secret, p.code, this.clock.now(), cred.totp_last_step);
    if (step === null || !(await this.store.credentials.useTotpStep(user.id, step))) throw new AppError('SB_BAD_TOTP');
    await this.store.credentials.update(user.id, { totp_secret: null, totp_pending: null });
    return { totp_enabled: false };
  }
}
