/**
 * The message bus between central and relays. NATS in a cluster, an in-process
 * implementation in all-in-one mode; both carry JSON so they behave the same.
 */
export type Unsubscribe = () => void;

export interface RequestOptions {
  timeoutMs?: number;
}

export interface Bus {
  /** Request/reply; resolves with the handler's result or rejects with its AppError. */
  request<T = unknown>(subject: string, payload: unknown, opts?: RequestOptions): Promise<T>;
  /** Answer requests on a subject; with a queue, each request goes to one member of the group. */
  serve(subject: string, handler: (payload: any, subject: string) => Promise<unknown>, opts?: { queue?: string }): Unsubscribe;
  /** Fire-and-forget fan-out to every subscriber. */
  publish(subject: string, payload: unknown): void;
  subscribe(subject: string, handler: (payload: any, subject: string) => void): Unsubscribe;
  /** True while the bus believes it can reach its peers. */
  connected(): boolean;
  onStatus(listener: (connected: boolean) => void): Unsubscribe;
  close(): Promise<void>;
}

/** Reply envelope used on the wire for request/reply. */
export type Reply = { ok: true; result: unknown } | { ok: false; error: { code: string; message: string; details?: unknown } };

/** NATS-style subject match: `*` one token, `>` the rest. */
export function subjectMatches(pattern: string, subject: string): boolean {
  if (pattern === subject) return true;
  const p = pattern.split('.');
  const s = subject.split('.');
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '>') return s.length > i;
    if (i >= s.length) return false;
    if (p[i] !== '*' && p[i] !== s[i]) return false;
  }
  return p.length === s.length;
}
