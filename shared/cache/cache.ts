/**
 * The cache port: Redis in a cluster, memory in all-in-one mode. Nothing in it
 * is authoritative; losing it costs speed, never correctness.
 */
export interface Cache {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ttlMs: number): Promise<void>;
  del(key: string): Promise<void>;
  /** Increment a counter that expires ttlMs after it was first created; returns the new value. */
  incr(key: string, ttlMs: number): Promise<number>;
  /** Hash fields, for per-device presence; the whole hash expires ttlMs after the last write. */
  hset(key: string, field: string, value: string, ttlMs: number): Promise<void>;
  hdel(key: string, field: string): Promise<void>;
  hgetall(key: string): Promise<Record<string, string>>;
  close(): Promise<void>;
}
