import type { DeviceType, PresenceStatus } from './types.js';

/** Wire shapes of the login log (登录流水) and the online list (在线列表); schemas in signin-schemas.ts. */

/** How a sign-in attempt ended. */
export const LOGIN_RESULTS = [
  'ok', 'bad_credentials', 'disabled', 'rate_limited',
  // The password policy (docs/security.md): a locked account, a second factor asked for or wrong, a step before the session.
  'locked', 'totp_required', 'bad_totp', 'change_required', 'totp_setup_required',
  // 登录授权: a device type not allowed, a new device waiting for approval, refused.
  'device_not_allowed', 'approval_required', 'approval_denied',
] as const;
export type LoginResultCode = typeof LOGIN_RESULTS[number];

export interface LoginEventView {
  id: number;
  at: number;
  account: string;
  user_id: number | null;
  /** The person's name when the account exists. */
  name: string | null;
  ip: string | null;
  device_type: DeviceType;
  device_name: string;
  result: LoginResultCode;
}

/** Online counts at one instant, by device type (a person online on two device types counts once in total). */
export interface OnlineSample {
  at: number;
  total: number;
  by_device: Partial<Record<DeviceType, number>>;
}

export interface OnlinePerson {
  user_id: number;
  account: string;
  name: string;
  status: PresenceStatus;
  devices: DeviceType[];
}

export interface OnlineView extends OnlineSample {
  /** Online people in the administrator's scope (and the department asked for), by name; at most `limit`. */
  people: OnlinePerson[];
  /** Samples over the time asked for (`hours`), oldest first. */
  history: OnlineSample[];
}
