import { closeSync, existsSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';

/**
 * The relay's local file cache: files by SHA-256 on local disk, capped in
 * total size, evicting the least recently used. Losing it costs a refetch.
 */
export class FileCache {
  private entries = new Map<string, { size: number; used: number }>();
  private total = 0;
  readonly tmpDir: string;

  constructor(private readonly dir: string, private readonly maxBytes: number) {
    this.tmpDir = join(dir, 'tmp');
    mkdirSync(this.tmpDir, { recursive: true });
    rmSync(this.tmpDir, { recursive: true, force: true });
    mkdirSync(this.tmpDir, { recursive: true });
    // Rebuild the index from disk: least recently modified first.
    const found = readdirSync(dir).filter((n) => /^[0-9a-f]{64}$/.test(n))
      .map((n) => { const s = statSync(join(dir, n)); return { n, size: s.size, used: s.mtimeMs }; })
      .sort((a, b) => a.used - b.used);
    for (const f of found) { this.entries.set(f.n, { size: f.size, used: f.used }); this.total += f.size; }
    this.evict();
  }

  get bytes(): number { return this.total; }
  get count(): number { return this.entries.size; }

  has(sha256: string): boolean {
    return this.entries.has(sha256) && existsSync(join(this.dir, sha256));
  }

  async read(sha256: string): Promise<Buffer | null> {
    const e = this.entries.get(sha256);
    if (!e) return null;
    try {
      const data = await readFile(join(this.dir, sha256));
      // Re-insert to mark as most recently used (Map keeps insertion order).
      this.entries.delete(sha256);
      this.entries.set(sha256, { ...e, used: Date.now() });
      return data;
    } catch {
      this.forget(sha256);
      return null;
    }
  }

  /** A temp file to stream into; `adopt` moves it into the cache under its hash. */
  tempFile(): { path: string; fd: number; write(chunk: Buffer): void; close(): void } {
    const path = join(this.tmpDir, randomBytes(12).toString('hex'));
    const fd = openSync(path, 'w');
    let open = true;
    // Never a write after close: the descriptor number may already belong to another upload.
    return { path, fd, write: (chunk) => { if (open) writeSync(fd, chunk); }, close: () => { if (open) { open = false; closeSync(fd); } } };
  }

  /** Moves a finished temp file into the cache, only if its bytes on disk hash to `sha256`. */
  async adopt(tempPath: string, sha256: string, size: number): Promise<void> {
    if (size > this.maxBytes || this.entries.has(sha256) || await sha256OfFile(tempPath) !== sha256) { rmSync(tempPath, { force: true }); return; }
    renameSync(tempPath, join(this.dir, sha256));
    this.entries.set(sha256, { size, used: Date.now() });
    this.total += size;
    this.evict();
  }

  private forget(sha256: string): void {
    const e = this.entries.get(sha256);
    if (!e) return;
    this.entries.delete(sha256);
    this.total -= e.size;
  }

  private evict(): void {
    for (const [sha, e] of this.entries) {
      if (this.total <= this.maxBytes) break;
      this.entries.delete(sha);
      this.total -= e.size;
      rmSync(join(this.dir, sha), { force: true });
    }
  }
}

async function sha256OfFile(path: string): Promise<string | null> {
  const hash = createHash('sha256');
  try {
    for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  } catch {
    return null; // unreadable: not adopted
  }
  return hash.digest('hex');
}
