import type { DeviceType, TrustedDeviceView } from '../../shared/protocol/types.js';
import type { FileRuleScope } from '../ports.js';

/** 登录授权: which device types may sign in, and whether a new device needs approval, for one org, department or person. */
export interface LoginRuleRecord {
  scope: FileRuleScope;
  target_id: number;
  /** Null: not set here (a wider rule decides); empty is refused by the schema. */
  device_types: DeviceType[] | null;
  approval: 'none' | 'new_device' | null;
  updated_by: number | null;
  updated_at: number;
}

export type DeviceStatus = 'pending' | 'approved' | 'denied';

/** A device a person signed in from (the id the client keeps), and whether it may sign in without approval. */
export type TrustedDeviceRecord = TrustedDeviceView;

export interface LoginPolicyStore {
  listRules(): Promise<LoginRuleRecord[]>;
  putRule(rule: LoginRuleRecord): Promise<LoginRuleRecord>;
  removeRule(scope: FileRuleScope, targetId: number): Promise<boolean>;
  device(userId: number, deviceId: string): Promise<TrustedDeviceRecord | null>;
  /** Inserts or replaces the device's row whole. */
  putDevice(rec: TrustedDeviceRecord): Promise<void>;
  /** Decides a pending request, once: null when it is not pending (decided already, or never asked). */
  decide(userId: number, deviceId: string, status: 'approved' | 'denied', by: number, at: number): Promise<TrustedDeviceRecord | null>;
  /** Pending requests made at or after `since`, oldest first; one person's when userId is given. */
  pending(opts: { since: number; userId?: number; limit: number }): Promise<TrustedDeviceRecord[]>;
  devicesOf(userId: number): Promise<TrustedDeviceRecord[]>;
  forget(userId: number, deviceId: string): Promise<boolean>;
}
