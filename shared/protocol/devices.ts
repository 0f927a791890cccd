import type { DeviceType } from './types.js';

/** Wire shapes of remote wipe (远程数据抹除) and the security PIN (安全密码); schemas in device-schemas.ts. */

/** Who ordered a wipe: an administrator, the person from another device, or the device itself after wrong PINs. */
export type WipeReason = 'admin' | 'self' | 'pin';
export const WIPE_REASONS: readonly WipeReason[] = ['admin', 'self', 'pin'];

export interface WipeView {
  id: number;
  session_id: string;
  user_id: number;
  device_type: DeviceType;
  device_name: string;
  reason: WipeReason;
  /** The user who ordered it (the person themselves for 'self' and 'pin'). */
  ordered_by: number;
  ordered_at: number;
  /** When the device said it had wiped itself; null while the order is pending. */
  acked_at: number | null;
  state: 'pending' | 'acknowledged';
}

export interface PinStatus {
  /** A PIN is set for me. */
  set: boolean;
  set_at: number | null;
  /** The organisation's device policy requires one. */
  required: boolean;
  /** Wrong entries in a row after which a client wipes itself. */
  max_attempts: number;
}

export interface DevicePolicy {
  require_pin: boolean;
  max_attempts: number;
  updated_at: number | null;
}
