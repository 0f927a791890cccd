import { Type, type Static } from '@sinclair/typebox';
import { guessable } from './admin-password.js';

/**
 * The organisation's password policy (安全密码策略): what a new password must be, how long it lasts, how
 * sign-in failures lock an account, and who needs a second factor. One per organisation (docs/security.md).
 */
export const PasswordPolicySchema = Type.Object({
  min_length: Type.Integer({ minimum: 8, maximum: 128, description: 'characters; default 8' }),
  min_classes: Type.Integer({ minimum: 1, maximum: 4, description: 'of lower case, upper case, digits and symbols (other scripts count as letters); default 2' }),
  history: Type.Integer({ minimum: 0, maximum: 24, description: 'a new password may not be one of the last N; default 3' }),
  max_age_days: Type.Integer({ minimum: 0, maximum: 3650, description: 'a password older than this must be changed at sign-in; 0: never (default)' }),
  lockout_threshold: Type.Integer({ minimum: 0, maximum: 100, description: 'failed sign-ins in a row that lock the account; 0: no lockout; default 10' }),
  lockout_seconds: Type.Integer({ minimum: 1, maximum: 86_400, description: 'the first lock; each further one in a row doubles, up to 24 h; default 60' }),
  force_change_admin_set: Type.Boolean({ description: 'a password an administrator typed must be changed at first sign-in; default false (generated passwords and activation codes always must)' }),
  totp_for_admins: Type.Boolean({ description: 'administrators must use a second factor (TOTP); default false' }),
  activation_days: Type.Integer({ minimum: 1, maximum: 90, description: 'how long an activation code works; default 7' }),
}, { $id: 'PasswordPolicy' });
export type PasswordPolicy = Static<typeof PasswordPolicySchema>;

export const DEFAULT_PASSWORD_POLICY: PasswordPolicy = {
  min_length: 8, min_classes: 2, history: 3, max_age_days: 0, lockout_threshold: 10, lockout_seconds: 60,
  force_change_admin_set: false, totp_for_admins: false, activation_days: 7,
};

const MAX_LOCK_MS = 86_400_000;

/** How long the n-th lock in a row lasts (n from 0): doubling from the policy's first lock, at most a day. */
export function lockoutMs(policy: PasswordPolicy, lockoutsBefore: number): number {
  return Math.min(MAX_LOCK_MS, policy.lockout_seconds * 1000 * 2 ** Math.min(lockoutsBefore, 20));
}

function classes(password: string): number {
  let lower = false;
  let upper = false;
  let digit = false;
  let symbol = false;
  for (const ch of password) {
    if (/\d/u.test(ch)) digit = true;
    else if (/\p{Lu}/u.test(ch)) upper = true;
    else if (/\p{L}/u.test(ch)) lower = true; // 汉字 and other scripts without case count as letters
    else symbol = true;
  }
  return [lower, upper, digit, symbol].filter(Boolean).length;
}

/** Why a new password does not meet the policy (in words a person can act on), or null when it does. */
export function passwordProblem(password: string, account: string, policy: PasswordPolicy): string | null {
  if ([...password].length < policy.min_length) return `it must be at least ${policy.min_length} characters long`;
  if (classes(password) < policy.min_classes) return `it must mix at least ${policy.min_classes} of lower case, upper case, digits and symbols`;
  return guessable(password, account);
}
