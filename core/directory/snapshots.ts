import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { AppError } from '../../shared/errors.js';
import type { Cache } from '../../shared/cache/cache.js';
import type { Actor } from '../actor.js';
import type { DirectoryModel, Viewer } from './model.js';
import type { DirectoryReplica } from './replica.js';

const gzipAsync = promisify(gzip) as (data: string, opts: { level: number }) => Promise<Buffer>;

export const SNAPSHOT_PART_BYTES = 512 * 1024;
/** Long enough for a relay to fetch every part after asking for the snapshot; short, since each is large. */
const SHARED_SNAPSHOT_TTL_MS = 120_000;
const snapshotPartKey = (key: string, offset: number) => `dir:snap:${key}:${offset}`;

interface SnapshotEntry {
  version: number;
  key: string;
  gz: Promise<Buffer>;
  /** Settles once the parts are in the shared cache (or that failed). */
  shared: Promise<void>;
}

/**
 * Whole-directory snapshots for clients: gzipped JSON built once per version and view, read in parts,
 * and shared briefly through the cache with the other central processes.
 */
export class DirectorySnapshots {
  private snapshots = new Map<string, SnapshotEntry>();

  constructor(private readonly replica: DirectoryReplica, private readonly cache: Cache) {}

  /** Starts a snapshot download: the gzipped JSON is built once per version and view, then read in parts. */
  async snapshotMeta(actor: Actor): Promise<{ key: string; version: number; size: number; part_bytes: number }> {
    const m = await this.replica.current();
    const v = await this.replica.viewer(actor, m);
    const entry = this.snapshotFor(m, v);
    const gz = await entry.gz;
    await entry.shared;
    return { key: entry.key, version: entry.version, size: gz.length, part_bytes: SNAPSHOT_PART_BYTES };
  }

  async snapshotPart(actor: Actor, p: { key: string; offset: number }): Promise<{ data: string }> {
    const { key, offset } = p;
    const m = await this.replica.current();
    const v = await this.replica.viewer(actor, m);
    // The key names the view: a viewer may only read the snapshot built for their own view.
    if (!key.endsWith(`:${m.viewKey(v)}`)) throw new AppError('SB_CONFLICT', 'The snapshot moved on; start again', { field: 'key' });
    const entry = [...this.snapshots.values()].find((e) => e.key === key);
    if (entry) return { data: (await entry.gz).subarray(offset, offset + SNAPSHOT_PART_BYTES).toString('base64') };
    // Built by another central process (a relay's part requests go to any member of the queue group).
    const shared = await this.cache.get(snapshotPartKey(key, offset)).catch(() => null); // a miss rebuilds from the replica
    if (shared === null) throw new AppError('SB_CONFLICT', 'The snapshot moved on; start again', { field: 'key' });
    return { data: shared };
  }

  private snapshotFor(m: DirectoryModel, v: Viewer): SnapshotEntry {
    const view = m.viewKey(v);
    const hit = this.snapshots.get(view);
    if (hit && hit.version === m.version) return hit;
    const version = m.version;
    const json = JSON.stringify(m.snapshot(v));
    // Compressed off the event loop (zlib's thread pool): a 100,000-person snapshot takes a while.
    const key = `${version}:${createHash('sha256').update(json).digest('base64url').slice(0, 16)}:${view}`;
    const gz = gzipAsync(json, { level: 6 });
    // Parts go to the shared cache briefly, for the other central processes; without it they answer SB_CONFLICT
    // and the relay starts over, so a cache outage costs retries, never a wrong snapshot.
    const shared = gz.then((bytes) => this.shareSnapshot(key, bytes)).catch(() => {}); // sharing is an optimisation; each process can build its own
    const entry: SnapshotEntry = { version, key, gz, shared };
    this.snapshots.set(view, entry);
    if (this.snapshots.size > 50) this.snapshots.delete(this.snapshots.keys().next().value!);
    return entry;
  }

  private async shareSnapshot(key: string, gz: Buffer): Promise<void> {
    const writes: Promise<void>[] = [];
    for (let offset = 0; offset < gz.length; offset += SNAPSHOT_PART_BYTES) {
      writes.push(this.cache.set(snapshotPartKey(key, offset), gz.subarray(offset, offset + SNAPSHOT_PART_BYTES).toString('base64'), SHARED_SNAPSHOT_TTL_MS));
    }
    await Promise.all(writes);
  }
}
