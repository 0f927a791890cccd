import type { ApiClient } from '../../../shared/sdk/api.js';
import type { ReceiptPage } from '../../../shared/protocol/types.js';

export interface Count { read: number; of: number }

/**
 * Receipt counts of my messages in a large conversation, where the page holds no one's cursor but mine: asked of
 * central (msg.receipts) when a bubble first shows, and asked again when a read.updated says someone read past
 * them. The last answer stays on screen meanwhile.
 */
export class ReceiptCounts {
  private readonly known = new Map<string, Count>();
  private readonly asked = new Set<string>();
  private readonly pending = new Map<number, { upto: number; timer: ReturnType<typeof setTimeout> }>();

  constructor(private readonly api: ApiClient, private readonly changed: () => void) {}

  /** The count of message `seq`, or null until central answers. */
  get(convId: number, seq: number): Count | null {
    const key = `${convId}:${seq}`;
    if (!this.asked.has(key)) {
      this.asked.add(key);
      this.api.call('msg.receipts', { conv_id: convId, seq, limit: 1 }).then((p: ReceiptPage) => {
        this.known.set(key, { read: p.read, of: p.of });
        this.changed();
      }, () => { this.asked.delete(key); /* offline or gone: asked again on the next render */ });
    }
    return this.known.get(key) ?? null;
  }

  /** Someone read up to `upto`: counts at or below it are asked again, once reads settle (a busy group reads often). */
  stale(convId: number, upto: number): void {
    const p = this.pending.get(convId);
    if (p) { p.upto = Math.max(p.upto, upto); return; }
    const timer = setTimeout(() => {
      const { upto: last } = this.pending.get(convId)!;
      this.pending.delete(convId);
      for (const key of this.asked) {
        const [c, s] = key.split(':').map(Number);
        if (c === convId && s! <= last) this.asked.delete(key);
      }
      this.changed();
    }, 500);
    this.pending.set(convId, { upto, timer });
  }

  stop(): void {
    for (const p of this.pending.values()) clearTimeout(p.timer);
    this.pending.clear();
  }
}
