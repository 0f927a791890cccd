import { randomUUID } from 'node:crypto';
import type { EventSink, Whereabout } from '../core/ports.js';
import type { Bus, Unsubscribe } from '../shared/bus/bus.js';
import type { ServerEvent } from '../shared/protocol/types.js';
import type { EventEnvelope, WhereaboutsNote } from '../shared/protocol/wire.js';
import { SUBJECTS } from '../shared/subjects.js';
import { checkEvent } from '../shared/protocol/event-schemas.js';
import { createLogger } from '../shared/log.js';
import { RelayRoutes } from './routes.js';

export type { EventEnvelope };

const WHEREABOUTS = SUBJECTS.central('whereabouts');
const MAX_HELD = 100_000;
const MAX_WARMUP_MS = 10_000;
const log = createLogger('events');

export interface EventSinkOptions {
  /** How long a presence report routes without being repeated (relays repeat it every heartbeat). */
  routeTtlMs: number;
  /**
   * After start, how long events for people not yet located are held (not dropped) while relays answer the
   * re-announce request. 0 when no relay can be connected before this central (all-in-one).
   */
  warmupMs: number;
  /** Check every emitted event against its schema and log a mismatch (debug logging; pushes still go out). */
  checkEvents?: boolean;
}

/**
 * Central's emit point: publishes after commit, each event only to the relays that hold a recipient
 * (`sb.events.relay.<id>`); organisation-wide events and control messages go on `sb.events.all`.
 */
export class BusEventSink implements EventSink {
  private readonly id = randomUUID();
  private readonly routes: RelayRoutes;
  private warmUntil = 0;
  private held: { event: ServerEvent; recipients: number[] }[] = [];
  private heldTimer: NodeJS.Timeout | null = null;
  private heardAny = false;
  private unsubscribe: Unsubscribe | null = null;
  /** This turn's events per relay subject, published together at its end (see `queue`). */
  private outbox = new Map<string, EventEnvelope[]>();

  constructor(private readonly bus: Bus, private readonly opts: EventSinkOptions = { routeTtlMs: 130_000, warmupMs: 0 }) {
    this.routes = new RelayRoutes(opts.routeTtlMs);
  }

  /** Listens to peer centrals and asks every relay to re-announce whom it holds. */
  start(): void {
    this.unsubscribe = this.bus.subscribe(WHEREABOUTS, (note: WhereaboutsNote) => {
      if (note.from === this.id || !Array.isArray(note.entries)) return;
      this.heardAny = true;
      this.routes.note(note.entries);
      this.routeHeld();
    });
    if (this.opts.warmupMs > 0) {
      const started = Date.now();
      this.warmUntil = started + this.opts.warmupMs;
      // On a loaded machine the first reports can take longer than the warm-up: while none has arrived,
      // keep holding (up to MAX_WARMUP_MS), since until then every recipient looks unconnected.
      const end = () => {
        if (!this.heardAny && Date.now() - started < MAX_WARMUP_MS) {
          this.warmUntil = Date.now() + 250;
          this.heldTimer = setTimeout(end, 250);
          this.heldTimer.unref();
          return;
        }
        this.releaseHeld();
      };
      this.heldTimer = setTimeout(end, this.opts.warmupMs);
      this.heldTimer.unref();
    }
    this.bus.publish(SUBJECTS.broadcast, { kind: 'reannounce' } satisfies EventEnvelope);
  }

  stop(): void {
    this.unsubscribe?.();
    if (this.heldTimer) clearTimeout(this.heldTimer);
    this.releaseHeld();
    this.flush();
  }

  emit(event: ServerEvent, recipients: number[] | '*'): void {
    if (this.opts.checkEvents) {
      const problem = checkEvent(event);
      if (problem) log.error({ event }, problem);
    }
    if (recipients === '*') {
      this.broadcast({ kind: 'event', recipients, event });
      return;
    }
    if (recipients.length === 0) return;
    const unlocated = this.route(event, recipients);
    // Bounded: past it, clients catch up from their durable positions as after any missed push.
    if (unlocated.length > 0 && Date.now() < this.warmUntil && this.held.length < MAX_HELD) this.held.push({ event, recipients: unlocated });
  }

  sessionsEnded(sessionIds: string[], reason: string): void {
    this.broadcast({ kind: 'sessions_ended', session_ids: sessionIds, reason });
  }

  accessRevoked(userIds: number[]): void {
    if (userIds.length > 0) this.broadcast({ kind: 'access_revoked', user_ids: userIds });
  }

  filesRevoked(fileIds: number[]): void {
    if (fileIds.length > 0) this.broadcast({ kind: 'files_revoked', file_ids: fileIds });
  }

  located(entries: Whereabout[]): void {
    if (entries.length === 0) return;
    this.heardAny = true;
    this.routes.note(entries);
    this.bus.publish(WHEREABOUTS, { from: this.id, entries } satisfies WhereaboutsNote);
    this.routeHeld();
  }

  /** Publishes to each relay holding a recipient; returns the recipients no relay is known to hold. */
  private route(event: ServerEvent, recipients: number[]): number[] {
    const byRelay = this.routes.relaysOf(recipients);
    for (const [relay, held] of byRelay) {
      this.queue(SUBJECTS.relayEvents(relay), { kind: 'event', recipients: held, event });
    }
    if (byRelay.size === 0) return recipients;
    const located = new Set<number>();
    for (const list of byRelay.values()) for (const id of list) located.add(id);
    return recipients.filter((id) => !located.has(id));
  }

  /**
   * A turn's sends alternate between relays (message 1 to relays A and B, message 2 to A and B, …); published
   * as they come, no two neighbours share a subject and the bus cannot join them into one batch. Gathered per
   * relay subject until the end of the turn, each relay gets one bus message per turn, in emit order.
   */
  private queue(subject: string, envelope: EventEnvelope): void {
    const pending = this.outbox.get(subject);
    if (pending) { pending.push(envelope); return; }
    this.outbox.set(subject, [envelope]);
    if (this.outbox.size === 1) setImmediate(() => this.flush());
  }

  private flush(): void {
    if (this.outbox.size === 0) return;
    const outbox = this.outbox;
    this.outbox = new Map();
    for (const [subject, envelopes] of outbox) for (const envelope of envelopes) this.bus.publish(subject, envelope);
  }

  /** Organisation-wide messages keep their place after the per-relay events emitted before them. */
  private broadcast(envelope: EventEnvelope): void {
    this.flush();
    this.bus.publish(SUBJECTS.broadcast, envelope);
  }

  /**
   * Held events go out as soon as their recipients are located, before any later event for them (this runs
   * synchronously on each report), so a client sees them in order.
   */
  private routeHeld(): void {
    if (this.held.length === 0) return;
    const held = this.held;
    this.held = [];
    for (const { event, recipients } of held) {
      const still = this.route(event, recipients);
      if (still.length > 0) this.held.push({ event, recipients: still });
    }
  }

  /** The end of the warm-up: whoever is still unknown is not connected anywhere. */
  private releaseHeld(): void {
    this.heldTimer = null;
    this.warmUntil = 0;
    this.routeHeld();
    this.held = [];
  }
}
