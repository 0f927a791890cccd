/**
 * Where each person is connected: user → relay → session → until when. Central uses it to publish an event
 * only to the relays that hold one of its recipients.
 *
 * It lives in central's memory, not in the cache: a cache flush cannot misroute anything. Relays re-announce
 * the sessions they hold on every presence heartbeat, when their bus link comes back and when a central asks
 * (at its start), and central processes share what they learn on `sb.central.whereabouts`.
 */
import type { Whereabout } from '../core/ports.js';

export type { Whereabout };

export class RelayRoutes {
  private readonly byUser = new Map<number, Map<string, Map<string, number>>>();
  private notes = 0;

  /** `ttlMs`: how long a report holds without being repeated (a relay that died stops repeating it). */
  constructor(private readonly ttlMs: number, private readonly now: () => number = Date.now) {}

  note(entries: readonly Whereabout[]): void {
    const until = this.now() + this.ttlMs;
    for (const e of entries) {
      let relays = this.byUser.get(e.user_id);
      if (!e.connected) {
        const sessions = relays?.get(e.relay);
        sessions?.delete(e.session_id);
        if (sessions?.size === 0) relays!.delete(e.relay);
        if (relays?.size === 0) this.byUser.delete(e.user_id);
        continue;
      }
      if (!relays) this.byUser.set(e.user_id, relays = new Map());
      let sessions = relays.get(e.relay);
      if (!sessions) relays.set(e.relay, sessions = new Map());
      sessions.set(e.session_id, until);
    }
    // Expired entries are swept now and then, not on every read.
    if ((this.notes += entries.length) > 10_000) { this.notes = 0; this.sweep(); }
  }

  /** The relays holding any of `userIds`, each with the recipients it holds. Unknown users are left out. */
  relaysOf(userIds: readonly number[]): Map<string, number[]> {
    const now = this.now();
    const out = new Map<string, number[]>();
    for (const userId of userIds) {
      const relays = this.byUser.get(userId);
      if (!relays) continue;
      for (const [relay, sessions] of relays) {
        let live = false;
        for (const until of sessions.values()) if (until > now) { live = true; break; }
        if (!live) continue;
        const list = out.get(relay);
        if (list) list.push(userId);
        else out.set(relay, [userId]);
      }
    }
    return out;
  }

  get users(): number { return this.byUser.size; }

  private sweep(): void {
    const now = this.now();
    for (const [userId, relays] of this.byUser) {
      for (const [relay, sessions] of relays) {
        for (const [sid, until] of sessions) if (until <= now) sessions.delete(sid);
        if (sessions.size === 0) relays.delete(relay);
      }
      if (relays.size === 0) this.byUser.delete(userId);
    }
  }
}
