import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BlobStore } from '../../core/ports.js';

/**
 * The file origin: bytes on disk under their SHA-256 (ab/cd/abcd…), so the
 * same file uploaded twice is stored once. Upload parts are separate files in
 * tmp/, so several central processes sharing the directory can each take parts.
 */
export class DiskBlobStore implements BlobStore {
  constructor(private readonly root: string) {}

  private pathOf(sha256: string): string {
    return join(this.root, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  }

  private partDir(uploadId: string): string {
    return join(this.root, 'tmp', uploadId.replace(/[^A-Za-z0-9_-]/g, ''));
  }

  async has(sha256: string): Promise<boolean> {
    return stat(this.pathOf(sha256)).then(() => true, () => false);
  }

  async writePart(uploadId: string, offset: number, data: Buffer): Promise<void> {
    const dir = this.partDir(uploadId);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, String(offset).padStart(16, '0')), data);
  }

  async finish(uploadId: string, sha256: string, size: number): Promise<boolean> {
    const dir = this.partDir(uploadId);
    const parts = (await readdir(dir).catch(() => [] as string[])).sort();
    const target = this.pathOf(sha256);
    const assembling = join(dir, 'assembled');
    await mkdir(dir, { recursive: true }); // an upload without parts (e.g. one already finished) gets an answer, not ENOENT
    const out = await open(assembling, 'w');
    const hash = createHash('sha256');
    let total = 0;
    let contiguous = true;
    try {
      for (const name of parts) {
        if (Number(name) !== total) { contiguous = false; break; } // a missing or overlapping part
        for await (const chunk of createReadStream(join(dir, name))) {
          hash.update(chunk as Buffer);
          await out.write(chunk as Buffer);
          total += (chunk as Buffer).length;
        }
      }
      await out.sync();
    } finally {
      await out.close();
    }
    const ok = contiguous && total === size && hash.digest('hex') === sha256;
    if (ok) {
      await mkdir(join(target, '..'), { recursive: true });
      await rename(assembling, target);
    }
    await rm(dir, { recursive: true, force: true });
    return ok;
  }

  async read(sha256: string, offset: number, length: number): Promise<Buffer | null> {
    const fh = await open(this.pathOf(sha256), 'r').catch(() => null); // a missing blob is a null read
    if (!fh) return null;
    try {
      const buf = Buffer.alloc(length);
      const { bytesRead } = await fh.read(buf, 0, length, offset);
      return buf.subarray(0, bytesRead);
    } finally {
      await fh.close();
    }
  }
}
