/** The store ports of devices (gathered in core/ports.ts). */
import type { DevicePolicy, WipeReason, WipeView } from '../../shared/protocol/devices.js';
import type { SessionRecord } from '../ports.js';
/** A wipe order (远程数据抹除) of one session, as stored (its state follows from acked_at); core/devices. */
export type WipeRecord = Omit<WipeView, 'state'>;

export interface DeviceStore {
  /**
   * Records a wipe order for the session and ends the session, in one transaction. A session that already has an
   * order keeps it (`created` false). `ended`: the session, if this call revoked it. Null when no such session.
   */
  orderWipe(input: { sessionId: string; orderedBy: number; reason: WipeReason; at: number }): Promise<{ wipe: WipeRecord; created: boolean; ended: SessionRecord | null } | null>;
  /** The wipe order of the session whose token has this SHA-256, or null. */
  wipeByTokenHash(tokenHash: string): Promise<WipeRecord | null>;
  /** Marks the order acknowledged, the first time only (`changed`); null when there is no such order. */
  ackWipe(id: number, at: number): Promise<{ wipe: WipeRecord; changed: boolean } | null>;
  /** Newest first. `userIds` null: everyone's; empty: nobody's. */
  listWipes(opts: { userIds: readonly number[] | null; state?: 'pending' | 'acknowledged'; beforeId?: number; limit: number }): Promise<WipeRecord[]>;
  /** The person's PIN hash, or null when none is set. */
  pin(userId: number): Promise<{ pin_hash: string; set_at: number } | null>;
  /** Sets or replaces the person's PIN hash. */
  setPin(userId: number, pinHash: string, at: number): Promise<void>;
  /** Removes it; false when none was set. */
  clearPin(userId: number): Promise<boolean>;
  policy(): Promise<DevicePolicy>;
  setPolicy(p: { require_pin: boolean; max_attempts: number }, at: number, by: number): Promise<DevicePolicy>;
}
