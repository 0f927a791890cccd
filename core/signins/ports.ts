/** The store ports of signins (gathered in core/ports.ts). */
import type { DeviceType } from '../../shared/protocol/types.js';
import type { LoginResultCode, OnlineSample } from '../../shared/protocol/signins.js';
/** One sign-in attempt (登录流水), whatever its outcome. */
export interface LoginEventRecord {
  id: number;
  at: number;
  /** As typed; the account may not exist. */
  account: string;
  user_id: number | null;
  ip: string | null;
  device_type: DeviceType;
  device_name: string;
  result: LoginResultCode;
}

export interface LoginLogStore {
  record(e: Omit<LoginEventRecord, 'id'>): Promise<void>;
  /** Newest first. `userIds` null: everyone; an empty list matches nobody. */
  list(opts: { limit: number; beforeId?: number; userIds: readonly number[] | null; account?: string; result?: LoginResultCode; since?: number; until?: number }): Promise<LoginEventRecord[]>;
  /** One sample per instant (a second sample at the same `at` is ignored: several centrals may sample). */
  sampleOnline(s: OnlineSample): Promise<void>;
  /** Samples with since <= at < until, oldest first. */
  onlineSamples(opts: { since: number; until: number; limit: number }): Promise<OnlineSample[]>;
}
