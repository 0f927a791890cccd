import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BlobStore } from '../../core/ports.js';
import { BLOB_MAGIC, BlobSealer } from '../at-rest/blob-sealer.js';

/**
 * The file origin: bytes on disk under their SHA-256 (ab/cd/abcd…), so the
 * same file uploaded twice is stored once. Upload parts are separate files in
 * tmp/, so several central processes sharing the directory can each take parts.
 * With a sealer (encryption at rest) parts and blobs are stored sealed; blobs of
 * before, without the sealer's magic, are read as they are.
 */
export class DiskBlobStore implements BlobStore {
  constructor(private readonly root: string, private readonly sealer: BlobSealer | null = null) {}

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
    await writeFile(join(dir, String(offset).padStart(16, '0')), this.sealer ? await this.sealer.sealPart(uploadId, offset, data) : data);
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
      const sink = this.sealer ? await this.sealer.writer(sha256, async (b) => { await out.write(b); }) : null;
      for (const name of parts) {
        if (Number(name) !== total) { contiguous = false; break; } // a missing or overlapping part
        if (this.sealer) {
          const plain = await this.sealer.openPart(uploadId, total, await readFile(join(dir, name)));
          hash.update(plain);
          await sink!.write(plain);
          total += plain.length;
          continue;
        }
        for await (const chunk of createReadStream(join(dir, name))) {
          hash.update(chunk as Buffer);
          await out.write(chunk as Buffer);
          total += (chunk as Buffer).length;
        }
      }
      await sink?.end();
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
      const head = Buffer.alloc(BLOB_MAGIC.length);
      await fh.read(head, 0, head.length, 0);
      if (head.equals(BLOB_MAGIC)) {
        if (!this.sealer) throw new Error(`blob ${sha256} is sealed and this origin has no key (atRest.enabled is false)`);
        const { size } = await fh.stat();
        const span = BlobSealer.span(offset, length);
        if (span.at >= size) return Buffer.alloc(0);
        const sealed = Buffer.alloc(Math.min(span.bytes, size - span.at));
        await fh.read(sealed, 0, sealed.length, span.at);
        return await this.sealer.openSpan(sha256, offset, length, sealed);
      }
      const buf = Buffer.alloc(length);
      const { bytesRead } = await fh.read(buf, 0, length, offset);
      return buf.subarray(0, bytesRead);
    } finally {
      await fh.close();
    }
  }
}
