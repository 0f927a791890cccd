import { AppError, toErrorBody, type ErrorBody } from '../errors.js';
import { subjectMatches, type Bus, type RequestOptions, type Unsubscribe } from './bus.js';

type Server = { pattern: string; queue?: string; handler: (payload: any, subject: string) => Promise<unknown> };
type Subscriber = { pattern: string; handler: (payload: any, subject: string) => void };

/**
 * In-process bus for all-in-one mode. Payloads go through JSON exactly as over
 * NATS, so nothing can depend on sharing objects between central and relay.
 */
export class MemoryBus implements Bus {
  private servers: Server[] = [];
  private subscribers: Subscriber[] = [];
  private roundRobin = 0;

  async request<T>(subject: string, payload: unknown, _opts?: RequestOptions): Promise<T> {
    const candidates = this.servers.filter((s) => subjectMatches(s.pattern, subject));
    if (candidates.length === 0) throw new AppError('SB_CENTRAL_UNAVAILABLE');
    const server = candidates[this.roundRobin++ % candidates.length]!;
    let result: unknown;
    try {
      result = await server.handler(JSON.parse(JSON.stringify(payload ?? null)), subject);
    } catch (e) {
      // Cross the "wire" as a coded body, as NATS would carry it.
      throw AppError.fromBody(JSON.parse(JSON.stringify(toErrorBody(e))) as ErrorBody);
    }
    return (result === undefined ? undefined : JSON.parse(JSON.stringify(result))) as T;
  }

  serve(subject: string, handler: Server['handler'], opts?: { queue?: string }): Unsubscribe {
    const entry: Server = { pattern: subject, queue: opts?.queue, handler };
    this.servers.push(entry);
    return () => { this.servers = this.servers.filter((s) => s !== entry); };
  }

  publish(subject: string, payload: unknown): void {
    const text = JSON.stringify(payload);
    // Deliver asynchronously, as a network bus would: a publisher never re-enters itself.
    queueMicrotask(() => {
      for (const s of this.subscribers) {
        if (subjectMatches(s.pattern, subject)) s.handler(JSON.parse(text), subject);
      }
    });
  }

  subscribe(subject: string, handler: Subscriber['handler']): Unsubscribe {
    const entry = { pattern: subject, handler };
    this.subscribers.push(entry);
    return () => { this.subscribers = this.subscribers.filter((s) => s !== entry); };
  }

  connected(): boolean { return true; }
  onStatus(): Unsubscribe { return () => {}; }
  async close(): Promise<void> { this.servers = []; this.subscribers = []; }
}
