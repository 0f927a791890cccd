import type { AppError } from '../errors.js';
import type { ClientFrame, ServerFrame } from '../protocol/frames.js';
import type { MessageView } from '../protocol/types.js';

export type OutgoingBody = { text: string; mentions?: number[]; mention_all?: boolean; reply_to?: number } | { file_id: number };

interface Outgoing {
  convId: number;
  cmid: string;
  body: OutgoingBody;
  resolve: (m: MessageView) => void;
  reject: (e: AppError) => void;
  inFlight: boolean;
}

const RETRYABLE = new Set(['SB_CENTRAL_UNAVAILABLE', 'SB_BUSY', 'SB_RATE_LIMITED', 'SB_INTERNAL', 'SB_NOT_READY']);

/** A client message id; pages served over plain HTTP (not a secure context) have no randomUUID. */
export function newCmid(): string {
  const c = globalThis.crypto;
  if (typeof c.randomUUID === 'function') return c.randomUUID();
  const b = c.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export interface OutboxHost {
  /** Online with a socket: sending may start. */
  canSend(): boolean;
  request(f: ClientFrame & { id: string }): Promise<ServerFrame>;
  /** The server stored a queued message. */
  delivered(m: MessageView): void;
}

/** Messages queued until acknowledged; a retry carries the same cmid, so the server stores each once. */
export class Outbox {
  private items: Outgoing[] = [];
  private frameSeq = 0;

  constructor(private readonly host: OutboxHost) {}

  enqueue(convId: number, body: OutgoingBody, cmid: string): Promise<MessageView> {
    return new Promise<MessageView>((resolve, reject) => {
      this.items.push({ convId, cmid, body, resolve, reject, inFlight: false });
      this.flush();
    });
  }

  /** Messages queued and not yet acknowledged, oldest first. */
  queued(convId?: number): { convId: number; cmid: string; body: OutgoingBody }[] {
    return this.items.filter((o) => convId === undefined || o.convId === convId).map(({ convId: c, cmid, body }) => ({ convId: c, cmid, body }));
  }

  get size(): number { return this.items.length; }

  /** The socket went away: whatever was in flight is sent again on the next one. */
  lost(): void {
    for (const o of this.items) o.inFlight = false;
  }

  /**
   * Sends what is queued: one message in flight per conversation, so a user's
   * messages keep their order whichever central process stores them.
   */
  flush(): void {
    if (!this.host.canSend()) return;
    const busy = new Set<number>();
    for (const o of this.items) {
      if (busy.has(o.convId)) continue;
      busy.add(o.convId);
      if (o.inFlight) continue;
      o.inFlight = true;
      const id = `s${++this.frameSeq}`;
      this.host.request({ t: 'send', id, conv_id: o.convId, cmid: o.cmid, body: o.body }).then((f) => {
        const m = (f as { message?: MessageView }).message!;
        this.items = this.items.filter((x) => x !== o);
        this.host.delivered(m);
        o.resolve(m);
        this.flush();
      }, (e: AppError) => {
        o.inFlight = false;
        if (RETRYABLE.has(e.code)) {
          // Kept in the queue: tried again shortly, and on every reconnect or link-up.
          setTimeout(() => this.flush(), 250 + Math.random() * 500);
          return;
        }
        this.items = this.items.filter((x) => x !== o);
        o.reject(e);
        this.flush();
      });
    }
  }
}
