import { AppError } from '../shared/errors.js';
import type { Logger } from '../shared/log.js';
import { INTERNAL } from '../shared/protocol/api.js';

export type PresenceStatus = 'online' | 'away' | 'offline';

/** Entries per presence report (central reads at most 10,000 from one). */
const CHUNK = 5_000;
const BATCH_MS = 100;
/** A socket that just signed in waits for its report: a short batch, so sign-in stays quick. */
const URGENT_BATCH_MS = 5;
const RETRY_MS = 1_000;
const MAX_QUEUED = 100_000;

interface Queued { token: string; status: PresenceStatus; done?: () => void }

/**
 * Reports this relay's connections to central in batches. The same reports tell central which relay holds
 * whom, so events come here only for the people here. Each entry carries the socket's token: central derives
 * whose presence it is; the relay cannot say.
 */
export class PresenceReporter {
  private queue: Queued[] = [];
  private timer: NodeJS.Timeout | null = null;
  private due = Infinity;
  private stopped = false;

  constructor(
    private readonly rpc: <T>(method: string, payload: unknown) => Promise<T>,
    private readonly relayId: string,
    private readonly log: Logger,
  ) {}

  /** Queues one entry. */
  report(token: string, status: PresenceStatus): void {
    this.queue.push({ token, status });
    this.schedule(BATCH_MS);
  }

  /**
   * Queues one entry and resolves once central has it (or could not be reached): a socket is told it is ready
   * only when events can find it.
   */
  reportNow(token: string, status: PresenceStatus): Promise<void> {
    return new Promise((resolve) => {
      this.queue.push({ token, status, done: resolve });
      this.schedule(URGENT_BATCH_MS);
    });
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    for (const q of this.queue) q.done?.();
    this.queue = [];
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    const due = Date.now() + ms;
    if (this.timer && due >= this.due) return;
    if (this.timer) clearTimeout(this.timer);
    this.due = due;
    this.timer = setTimeout(() => this.flush(), ms);
    this.timer.unref();
  }

  private flush(): void {
    this.timer = null;
    this.due = Infinity;
    const queued = this.queue;
    this.queue = [];
    for (let i = 0; i < queued.length; i += CHUNK) {
      const chunk = queued.slice(i, i + CHUNK);
      const entries = chunk.map(({ token, status }) => ({ token, status }));
      const settle = () => { for (const q of chunk) q.done?.(); };
      this.rpc(INTERNAL.presenceReport, { params: { relay: this.relayId, entries } }).then(settle, (e: unknown) => {
        settle(); // a socket is not held back while central is away; the retry below routes it later
        // Tried again shortly, not only at the next heartbeat: until central hears it, no event is routed here.
        const transient = e instanceof AppError && (e.code === 'SB_CENTRAL_UNAVAILABLE' || e.code === 'SB_BUSY');
        this.log.warn({ err: e, entries: chunk.length, retry: transient }, 'presence report failed');
        if (!transient || this.queue.length >= MAX_QUEUED) return;
        this.queue.push(...chunk.map(({ token, status }) => ({ token, status })));
        this.schedule(RETRY_MS);
      });
    }
  }
}
