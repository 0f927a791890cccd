import type { AppError } from '../errors.js';
import type { ClientFrame, ServerFrame } from '../protocol/frames.js';
import type { MessageView } from '../protocol/types.js';

export type OutgoingBody = { text: string; mentions?: number[]; mention_all?: boolean; reply_to?: number; urgent?: boolean } | { file_id: number };

/** A queued send as a page keeps it across a reload: everything the send carries, not only its text. */
export interface QueuedSend { convId: number; cmid: string; body: OutgoingBody }

const isId = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v > 0;

/** The body of a saved send, checked field by field (anything else in it is dropped), or null if unusable. */
function savedBody(v: unknown): OutgoingBody | null {
  if (typeof v !== 'object' || v === null) return null;
  const b = v as Record<string, unknown>;
  if (isId(b.file_id)) return { file_id: b.file_id };
  if (typeof b.text !== 'string') return null;
  const body: OutgoingBody = { text: b.text };
  if (Array.isArray(b.mentions) && b.mentions.every(isId)) body.mentions = b.mentions;
  if (b.mention_all === true) body.mention_all = true;
  if (isId(b.reply_to)) body.reply_to = b.reply_to;
  if (b.urgent === true) body.urgent = true;
  return body;
}

/** The send queue as text, for a page to keep in its storage. */
export function encodeQueue(items: readonly QueuedSend[]): string {
  return JSON.stringify(items.map(({ convId, cmid, body }) => ({ convId, cmid, body })));
}

/**
 * A saved send queue read back; unreadable text gives nothing, an unusable item is left out. Queues saved before
 * sends kept their body (`{convId, cmid, text}`) read as text messages.
 */
export function decodeQueue(text: string | null): QueuedSend[] {
  let raw: unknown;
  try {
    raw = JSON.parse(text ?? '[]');
  } catch {
    return []; // edited by hand or cut short: nothing to re-send
  }
  if (!Array.isArray(raw)) return [];
  const out: QueuedSend[] = [];
  for (const item of raw as unknown[]) {
    if (typeof item !== 'object' || item === null) continue;
    const o = item as Record<string, unknown>;
    const body = savedBody(o.body ?? (typeof o.text === 'string' ? { text: o.text } : null));
    if (isId(o.convId) && typeof o.cmid === 'string' && o.cmid !== '' && body) out.push({ convId: o.convId, cmid: o.cmid, body });
  }
  return out;
}

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
  queued(convId?: number): QueuedSend[] {
    return this.items.filter((o) => convId === undefined || o.convId === convId).map(({ convId: c, cmid, body }) => ({ convId: c, cmid, body: structuredClone(body) }));
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
