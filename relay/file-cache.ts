import { closeSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, writeSync, existsSync } from 'node:fs';
import { open, readFile, rm, writeFile } from 'node:fs/promises';
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { openBytes, sealBytes } from '../shared/sealing.js';
import { createLogger } from '../shared/log.js';

const log = createLogger('file-cache');

const CTR_IV_BYTES = 16;

/** The counter block `blocks` blocks after `iv` (a 128-bit big-endian add). */
function counterAt(iv: Buffer, blocks: number): Buffer {
  const out = Buffer.from(iv);
  let carry = blocks;
  for (let i = out.length - 1; i >= 0 && carry > 0; i -= 1) {
    const v = out[i]! + (carry % 256);
    out[i] = v & 0xff;
    carry = Math.floor(carry / 256) + (v >> 8);
  }
  return out;
}

/**
 * The relay's local file cache: files by SHA-256 on local disk, capped in total size, evicting the least recently
 * used. Losing it costs a refetch. Encrypted at rest under keys this process makes at start and keeps in memory
 * only (docs/security.md): cached files are AES-256-GCM bound to their hash; temp files of uploads and fetches
 * are AES-256-CTR (read back at any offset; their hash is checked before they join the cache). What an earlier
 * process cached cannot be read, so it is removed at start; grants live in memory too, so a restarted relay
 * asks central before serving anything anyway.
 */
export class FileCache {
  private entries = new Map<string, { size: number; used: number }>();
  private total = 0;
  private readonly key = randomBytes(32);
  private readonly tempKey = randomBytes(32);
  readonly tmpDir: string;

  constructor(private readonly dir: string, private readonly maxBytes: number) {
    this.tmpDir = join(dir, 'tmp');
    mkdirSync(this.tmpDir, { recursive: true });
    rmSync(this.tmpDir, { recursive: true, force: true });
    mkdirSync(this.tmpDir, { recursive: true });
    for (const n of readdirSync(dir)) if (/^[0-9a-f]{64}$/.test(n)) rmSync(join(dir, n), { force: true });
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
      const data = openBytes(this.key, sha256, await readFile(join(this.dir, sha256)));
      // Re-insert to mark as most recently used (Map keeps insertion order).
      this.entries.delete(sha256);
      this.entries.set(sha256, { ...e, used: Date.now() });
      return data;
    } catch {
      this.forget(sha256); // gone or changed on disk: a refetch replaces it
      return null;
    }
  }

  /** A temp file to stream into (encrypted as it is written); `adopt` moves it into the cache under its hash. */
  tempFile(): { path: string; fd: number; write(chunk: Buffer): void; close(): void } {
    const path = join(this.tmpDir, randomBytes(12).toString('hex'));
    const fd = openSync(path, 'w');
    const iv = randomBytes(CTR_IV_BYTES);
    const cipher = createCipheriv('aes-256-ctr', this.tempKey, iv);
    writeSync(fd, iv);
    let open = true;
    // Never a write after close: the descriptor number may already belong to another upload.
    return { path, fd, write: (chunk) => { if (open) writeSync(fd, cipher.update(chunk)); }, close: () => { if (open) { open = false; closeSync(fd); } } };
  }

  /** `length` plaintext bytes of a temp file from `offset` (fewer at its end). */
  async readTemp(path: string, offset: number, length: number): Promise<Buffer> {
    const fh = await open(path, 'r');
    try {
      const iv = Buffer.alloc(CTR_IV_BYTES);
      await fh.read(iv, 0, CTR_IV_BYTES, 0);
      const skip = offset % 16;
      const buf = Buffer.alloc(length + skip);
      const { bytesRead } = await fh.read(buf, 0, buf.length, CTR_IV_BYTES + offset - skip);
      const d = createDecipheriv('aes-256-ctr', this.tempKey, counterAt(iv, Math.floor(offset / 16)));
      return Buffer.concat([d.update(buf.subarray(0, bytesRead)), d.final()]).subarray(skip);
    } finally {
      await fh.close();
    }
  }

  /** Moves a finished temp file into the cache, only if its bytes hash to `sha256`. */
  async adopt(tempPath: string, sha256: string, size: number): Promise<void> {
    if (size > this.maxBytes || this.entries.has(sha256)) { rmSync(tempPath, { force: true }); return; }
    const plain = await this.readTemp(tempPath, 0, size).catch((err: unknown) => {
      log.warn({ err, sha256 }, 'file cache: a downloaded temp file could not be read back; not cached (the next request fetches again)');
      return null;
    });
    await rm(tempPath, { force: true });
    if (!plain || plain.length !== size || createHash('sha256').update(plain).digest('hex') !== sha256) return;
    const sealed = sealBytes(this.key, sha256, plain);
    const staged = join(this.tmpDir, `${sha256}.${randomBytes(6).toString('hex')}`);
    await writeFile(staged, sealed);
    renameSync(staged, join(this.dir, sha256));
    this.entries.set(sha256, { size: sealed.length, used: Date.now() });
    this.total += sealed.length;
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
