import type { Cache } from './cache.js';

type Entry = { value: string; expiresAt: number };

/** Bounded in-memory cache: expired entries are swept lazily and by a timer. */
export class MemoryCache implements Cache {
  private map = new Map<string, Entry>();
  private sweeper: NodeJS.Timeout;

  constructor(private readonly maxEntries = 200_000, private readonly now: () => number = Date.now) {
    this.sweeper = setInterval(() => this.sweep(), 30_000);
    this.sweeper.unref();
  }

  async get(key: string): Promise<string | null> {
    const e = this.map.get(key);
    if (!e) return null;
    if (e.expiresAt <= this.now()) { this.map.delete(key); return null; }
    return e.value;
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    if (this.map.size >= this.maxEntries) this.evictOldest();
    this.map.delete(key);
    this.map.set(key, { value, expiresAt: this.now() + ttlMs });
  }

  async del(key: string): Promise<void> { this.map.delete(key); }

  async incr(key: string, ttlMs: number): Promise<number> {
    const e = this.map.get(key);
    if (!e || e.expiresAt <= this.now()) {
      this.map.set(key, { value: '1', expiresAt: this.now() + ttlMs });
      return 1;
    }
    const next = Number(e.value) + 1;
    e.value = String(next);
    return next;
  }

  async hset(key: string, field: string, value: string, ttlMs: number): Promise<void> {
    const current = await this.hgetall(key);
    current[field] = value;
    await this.set(key, JSON.stringify(current), ttlMs);
  }

  async hdel(key: string, field: string): Promise<void> {
    const e = this.map.get(key);
    if (!e) return;
    const current = JSON.parse(e.value) as Record<string, string>;
    delete current[field];
    e.value = JSON.stringify(current);
  }

  async hgetall(key: string): Promise<Record<string, string>> {
    const v = await this.get(key);
    return v ? (JSON.parse(v) as Record<string, string>) : {};
  }

  async close(): Promise<void> { clearInterval(this.sweeper); this.map.clear(); }

  private sweep(): void {
    const now = this.now();
    for (const [k, e] of this.map) if (e.expiresAt <= now) this.map.delete(k);
  }

  private evictOldest(): void {
    const first = this.map.keys().next();
    if (!first.done) this.map.delete(first.value);
  }
}
