import { AppError, type ErrorBody } from '../shared/errors.js';
import type { Reply } from '../shared/bus/bus.js';
import { INTERNAL, MAX_SENDS_PER_BATCH } from '../shared/protocol/api.js';
import type { SendItem } from '../shared/protocol/wire.js';

type SendRequest = SendItem;
type Waiting = { req: SendRequest; resolve: (v: unknown) => void; reject: (e: unknown) => void };
type Request = <T>(method: string, payload: unknown) => Promise<T>;

/**
 * Sends from WebSockets that arrive in the same event-loop turn travel to
 * central as one `msg.sendMany` request; a lone send stays a plain `msg.send`.
 * Under load this turns hundreds of bus round trips into a few, and central
 * writes the batch as one group anyway. Each send still gets its own result or
 * coded error; if the request as a whole fails, every send in it fails with
 * that error and its client re-sends (the cmid makes that safe).
 */
export class SendBatcher {
  private waiting: Waiting[] = [];

  constructor(private readonly request: Request) {}

  send<T>(req: SendRequest): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.waiting.push({ req, resolve: resolve as (v: unknown) => void, reject });
      if (this.waiting.length === 1) setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    while (this.waiting.length) {
      const batch = this.waiting.splice(0, MAX_SENDS_PER_BATCH);
      if (batch.length === 1) {
        const only = batch[0]!;
        this.request('msg.send', only.req).then(only.resolve, only.reject);
        continue;
      }
      this.request<{ results: Reply[] }>(INTERNAL.sendMany, { params: { items: batch.map((w) => w.req) } }).then(({ results }) => {
        batch.forEach((w, i) => {
          const r = results[i];
          if (r?.ok) w.resolve(r.result);
          else w.reject(r ? AppError.fromBody(r.error as ErrorBody) : new AppError('SB_INTERNAL', 'no result for this send'));
        });
      }, (e: unknown) => { for (const w of batch) w.reject(e); });
    }
  }
}
