import { createHmac, randomBytes } from 'node:crypto';
import type { DataKeyRecord, DataKeyStore } from '../../core/ports.js';
import { openBytes, sealBytes } from '../../shared/sealing.js';
import type { MasterKeys } from './master-keys.js';

type Scope = DataKeyRecord['scope'];

/** A sealed text: this prefix, the data key's version, ':', then base64 of iv | tag | ciphertext. No prefix: plaintext of before. */
export const SEALED_PREFIX = 'sbe1:';
/** Data keys kept unwrapped in memory at most (32 bytes each); the oldest looked up go first. */
const CACHE_ENTRIES = 50_000;
/** How long an owner's keys are trusted to be the newest: a rotation elsewhere reaches new writes here within it. */
const FRESH_MS = 60_000;

interface Owned { versions: Map<number, Buffer>; newest: number; at: number }

/**
 * Data keys of encryption at rest: one per conversation (and per file, and one for the search index), random,
 * stored only wrapped under a master key (AES-256-GCM, bound to scope, owner and version), unwrapped in memory.
 * The first write for an owner makes its key; centrals racing on it keep whichever row was stored first.
 */
export class Keyring {
  private readonly cache = new Map<string, Owned>();
  private readonly loading = new Map<string, Promise<Owned>>();

  constructor(private readonly store: DataKeyStore, private readonly masters: MasterKeys) {}

  get masterId(): string { return this.masters.current.id; }

  /** The newest key of the owner, made when it has none. */
  async newest(scope: Scope, owner: number): Promise<{ version: number; key: Buffer }> {
    let o = await this.owned(scope, owner);
    if (o.newest === 0) o = await this.addVersion(scope, owner, 1);
    return { version: o.newest, key: o.versions.get(o.newest)! };
  }

  /** A given version; a version this process has not seen yet (another central rotated) is read again. */
  async version(scope: Scope, owner: number, version: number): Promise<Buffer> {
    let o = await this.owned(scope, owner);
    if (!o.versions.has(version)) o = await this.load(scope, owner);
    const key = o.versions.get(version);
    if (!key) throw new Error(`no data key ${scope}:${owner} version ${version}`);
    return key;
  }

  /** A new key version for the owner: new writes use it, older values stay readable under theirs. */
  async rotate(scope: Scope, owner: number): Promise<number> {
    const o = await this.owned(scope, owner);
    return (await this.addVersion(scope, owner, o.newest + 1)).newest;
  }

  sealText(scope: Scope, owner: number, text: string): Promise<string> {
    return this.newest(scope, owner).then(({ version, key }) =>
      `${SEALED_PREFIX}${version}:${sealBytes(key, `${scope}:${owner}`, Buffer.from(text)).toString('base64')}`);
  }

  /** Plaintext of a sealed text; a value without the prefix (stored before encryption at rest) as it is. */
  async openText(scope: Scope, owner: number, value: string): Promise<string> {
    if (!value.startsWith(SEALED_PREFIX)) return value;
    const colon = value.indexOf(':', SEALED_PREFIX.length);
    const version = Number(value.slice(SEALED_PREFIX.length, colon));
    const key = await this.version(scope, owner, version);
    return openBytes(key, `${scope}:${owner}`, Buffer.from(value.slice(colon + 1), 'base64')).toString();
  }

  /** The search index's token key (one, never rotated: rotating it would mean rebuilding the index). */
  async tokenHasher(): Promise<(term: string) => string> {
    const { key } = await this.newest('s', 0);
    return (term) => createHmac('sha256', key).update(term).digest('hex').slice(0, 20);
  }

  /**
   * Rewraps every data key under the current master key, a batch at a time, while the service runs (each key row
   * is one small update; readers unwrap with whichever master the row names). Keys under a master that is not
   * given are left as they are and counted in `unknown`: they stay unreadable until that master is added.
   */
  async rewrapAll(batch = 500): Promise<{ rewrapped: number; unknown: number }> {
    const out = { rewrapped: 0, unknown: 0 };
    let after: DataKeyRecord | null = null;
    for (;;) {
      const rows = await this.store.wrappedOtherThan(this.masterId, after, batch);
      if (rows.length === 0) return out;
      for (const r of rows) {
        if (!this.masters.byId.has(r.master_id)) { out.unknown += 1; continue; }
        if (await this.store.rewrap({ ...r, ...this.wrap(r.scope, r.owner, r.version, this.unwrap(r)) }, r.master_id)) out.rewrapped += 1;
      }
      after = rows[rows.length - 1]!;
    }
  }

  private wrap(scope: Scope, owner: number, version: number, key: Buffer): { master_id: string; wrapped: string } {
    const m = this.masters.current;
    return { master_id: m.id, wrapped: sealBytes(m.key, `${scope}:${owner}:${version}`, key).toString('base64') };
  }

  private unwrap(r: DataKeyRecord): Buffer {
    const m = this.masters.byId.get(r.master_id);
    if (!m) throw new Error(`data key ${r.scope}:${r.owner} v${r.version} is wrapped under master key ${r.master_id}, which is not given: add it to the master keys`);
    return openBytes(m.key, `${r.scope}:${r.owner}:${r.version}`, Buffer.from(r.wrapped, 'base64'));
  }

  private async addVersion(scope: Scope, owner: number, version: number): Promise<Owned> {
    const key = randomBytes(32);
    await this.store.add({ scope, owner, version, ...this.wrap(scope, owner, version, key), created_at: Date.now() });
    return this.load(scope, owner);
  }

  private async load(scope: Scope, owner: number): Promise<Owned> {
    const rows = await this.store.list(scope, owner);
    const o: Owned = { versions: new Map(rows.map((r) => [r.version, this.unwrap(r)])), newest: rows.length ? rows[rows.length - 1]!.version : 0, at: Date.now() };
    const id = `${scope}:${owner}`;
    this.cache.delete(id);
    if (o.newest > 0) {
      this.cache.set(id, o);
      if (this.cache.size > CACHE_ENTRIES) this.cache.delete(this.cache.keys().next().value!);
    }
    return o;
  }

  private owned(scope: Scope, owner: number): Promise<Owned> {
    const id = `${scope}:${owner}`;
    const hit = this.cache.get(id);
    if (hit && Date.now() - hit.at < FRESH_MS) {
      this.cache.delete(id);
      this.cache.set(id, hit);
      return Promise.resolve(hit);
    }
    let p = this.loading.get(id);
    if (!p) {
      p = this.load(scope, owner).finally(() => this.loading.delete(id));
      this.loading.set(id, p);
    }
    return p;
  }
}
