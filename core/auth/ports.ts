import type { PasswordPolicy } from './policy.js';

/**
 * A person's sign-in credentials besides the password hash (which stays on the user): when the password was
 * set and by whom, the hashes of earlier ones, failed sign-ins and locks, the second factor, an activation code.
 */
export interface CredentialRecord {
  user_id: number;
  /** When the current password was set; null: before credentials were kept (never expires until changed). */
  password_set_at: number | null;
  /** The next sign-in must set a new password first (initial, generated or expired). */
  must_change: boolean;
  /** Hashes of earlier passwords, newest first (as many as the policy's history keeps). */
  history: string[];
  /** Failed sign-ins since the last success or lock. */
  failures: number;
  locked_until: number | null;
  /** Locks in a row without a successful sign-in between: each doubles the next. */
  lockouts: number;
  /** The TOTP secret once enabled (base32). */
  totp_secret: string | null;
  /** A secret being set up, not yet confirmed with a code. */
  totp_pending: string | null;
  /** The last TOTP step accepted: no code works twice. */
  totp_last_step: number;
  /** A one-time activation code's hash, for a person without a password (imports) or after a reset. */
  activation_hash: string | null;
  activation_expires_at: number | null;
}

export type CredentialPatch = Partial<Omit<CredentialRecord, 'user_id'>>;

export interface CredentialStore {
  /** A person's record; one with nothing set (never locked, no second factor) when none is stored. */
  get(userId: number): Promise<CredentialRecord>;
  /** Applies the patch, creating the record when there is none; returns it after. */
  update(userId: number, patch: CredentialPatch): Promise<CredentialRecord>;
  /**
   * Counts one failed sign-in, in one transaction: at `threshold` failures (0: never) the account is locked
   * until now + lockMs(lockouts before), the count restarts and lockouts grows by one. Returns the record after.
   */
  recordFailure(userId: number, now: number, threshold: number, lockMs: (lockoutsBefore: number) => number): Promise<CredentialRecord>;
  /** Takes a TOTP step if it is after the last one taken; false when it was already used (a replay). */
  useTotpStep(userId: number, step: number): Promise<boolean>;
  /** The organisation's password policy; null before any was set. */
  policy(): Promise<PasswordPolicy | null>;
  setPolicy(policy: PasswordPolicy): Promise<void>;
}

export const emptyCredentials = (userId: number): CredentialRecord => ({
  user_id: userId, password_set_at: null, must_change: false, history: [], failures: 0, locked_until: null, lockouts: 0,
  totp_secret: null, totp_pending: null, totp_last_step: 0, activation_hash: null, activation_expires_at: null,
});
