import type { Cache } from '../../shared/cache/cache.js';
import type { DeviceType, PresenceStatus, PresenceView } from '../../shared/protocol/types.js';
import type { Actor } from '../actor.js';
import type { EventSink, Store } from '../ports.js';
import { PRESENCE_HEARTBEAT_MS } from '../../shared/protocol/frames.js';
import { relayIdFrom } from '../../shared/subjects.js';

/** One live connection as reported by a relay. */
interface DeviceEntry { device_type: DeviceType; status: 'online' | 'away'; relay: string; at: number }

/** Two missed heartbeats and a margin: a relay that died stops repeating its reports. */
export const PRESENCE_TTL_MS = PRESENCE_HEARTBEAT_MS * 2 + 10_000;
const TTL_MS = PRESENCE_TTL_MS;
const key = (userId: number) => `presence:${userId}`;
/** Everyone online or away, user id → their presence and when a relay last reported it (the online list). */
const ONLINE = 'presence:online';
interface OnlineEntry { status: 'online' | 'away'; devices: DeviceType[]; at: number }

/**
 * Presence lives only in the cache: per user, a hash of session → device.
 * Losing the cache loses presence until the next relay heartbeat, nothing more.
 * Changes are pushed to the people a user talks with one-to-one; anyone may query.
 */
export class PresenceService {
  constructor(private readonly store: Store, private readonly cache: Cache, private readonly events: EventSink) {}

  /**
   * A relay reports connections opening, changing or closing. Each entry was verified by central's dispatcher
   * (its token resolved to this user and session), so routing learns of it before any cache work.
   */
  async report(relayName: string, reported: readonly { user_id: number; session_id: string; status: PresenceStatus }[]): Promise<{ ok: true }> {
    const relay = relayIdFrom(relayName);
    const entries = reported.map((e) => ({ userId: e.user_id, sessionId: e.session_id, status: e.status }));
    this.events.located(entries.map((e) => ({ user_id: e.userId, session_id: e.sessionId, relay, connected: e.status !== 'offline' })));
    const touched = new Set<number>();
    for (const { userId, sessionId, status } of entries) {
      const before = await this.of(userId);
      if (status === 'offline') await this.cache.hdel(key(userId), sessionId).catch(() => {}); // the entry expires by its TTL
      else {
        const session = await this.store.sessions.byId(sessionId);
        if (!session || session.user_id !== userId) continue;
        const entry: DeviceEntry = { device_type: session.device_type, status, relay, at: Date.now() };
        await this.cache.hset(key(userId), sessionId, JSON.stringify(entry), TTL_MS).catch(() => {}); // the next heartbeat writes it again
      }
      const after = await this.of(userId);
      // Refreshed on every report, heartbeats included, so an entry outlives its relay by the TTL at most.
      if (after.status === 'offline') await this.cache.hdel(ONLINE, String(userId)).catch(() => {}); // its stale entry is filtered by age
      else {
        const entry: OnlineEntry = { status: after.status, devices: after.devices, at: Date.now() };
        await this.cache.hset(ONLINE, String(userId), JSON.stringify(entry), TTL_MS).catch(() => {}); // the next heartbeat writes it again
      }
      if (before.status !== after.status || before.devices.join() !== after.devices.join()) touched.add(userId);
    }
    for (const userId of touched) await this.announce(userId);
    return { ok: true };
  }

  async query(_actor: Actor, p: { user_ids: number[] }): Promise<PresenceView[]> {
    const ids = [...new Set(p.user_ids)];
    return Promise.all(ids.map((id) => this.of(id)));
  }

  async of(userId: number): Promise<PresenceView> {
    const all = await this.cache.hgetall(key(userId)).catch(() => ({} as Record<string, string>));
    const live = Object.values(all).map((v) => JSON.parse(v) as DeviceEntry).filter((d) => Date.now() - d.at < TTL_MS);
    const status: PresenceStatus = live.length === 0 ? 'offline' : live.some((d) => d.status === 'online') ? 'online' : 'away';
    return { user_id: userId, status, devices: [...new Set(live.map((d) => d.device_type))].sort() };
  }

  /** Everyone online or away now, as relays last reported (for the administrators' online list). */
  async onlineNow(): Promise<PresenceView[]> {
    const all = await this.cache.hgetall(ONLINE);
    const now = Date.now();
    const out: PresenceView[] = [];
    for (const [id, raw] of Object.entries(all)) {
      const e = JSON.parse(raw) as OnlineEntry;
      if (now - e.at < TTL_MS) out.push({ user_id: Number(id), status: e.status, devices: e.devices });
    }
    return out;
  }

  /** Tells the user's one-to-one partners (and the user's own devices). */
  private async announce(userId: number): Promise<void> {
    const recipients = new Set<number>([userId]);
    for (const { conversation } of await this.store.conversations.listForUser(userId)) {
      if (conversation.kind !== 'direct') continue;
      for (const m of await this.store.conversations.members(conversation.id)) recipients.add(m.user_id);
    }
    this.events.emit({ type: 'presence.updated', presence: await this.of(userId) }, [...recipients]);
  }
}
