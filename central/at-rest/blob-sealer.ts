import { createHmac } from 'node:crypto';
import { IV_BYTES, TAG_BYTES, openBytes, sealBytes } from '../../shared/sealing.js';

/** A sealed blob starts with this; a blob without it was stored before encryption at rest and is read as it is. */
export const BLOB_MAGIC = Buffer.from('SBEBLOB1');
/** Plaintext bytes per sealed chunk: a ranged read opens only the chunks it covers. */
export const CHUNK_BYTES = 64 * 1024;
export const SEALED_CHUNK_BYTES = CHUNK_BYTES + IV_BYTES + TAG_BYTES;

/**
 * File contents at the origin under AES-256-GCM (docs/security.md): each blob's key is HMAC-SHA-256 of its
 * SHA-256 under the files key (a data key wrapped by the master), so the same content uploaded twice is still
 * stored once. A blob is BLOB_MAGIC then chunks of iv | tag | ciphertext, chunk i bound to `<sha256>:<i>`; an
 * upload's parts wait sealed under a key of their upload id.
 */
export class BlobSealer {
  constructor(private readonly filesKey: () => Promise<Buffer>) {}

  private async derive(label: string): Promise<Buffer> {
    return createHmac('sha256', await this.filesKey()).update(label).digest();
  }

  async sealPart(uploadId: string, offset: number, data: Buffer): Promise<Buffer> {
    return sealBytes(await this.derive(`part:${uploadId}`), `${uploadId}:${offset}`, data);
  }

  async openPart(uploadId: string, offset: number, sealed: Buffer): Promise<Buffer> {
    return openBytes(await this.derive(`part:${uploadId}`), `${uploadId}:${offset}`, sealed);
  }

  /** A writer of one blob: plaintext in, whatever its pieces' sizes, sealed chunks out (the magic first). */
  async writer(sha256: string, out: (bytes: Buffer) => Promise<void>): Promise<{ write(b: Buffer): Promise<void>; end(): Promise<void> }> {
    const key = await this.derive(`blob:${sha256}`);
    let pending: Buffer = Buffer.alloc(0);
    let index = 0;
    await out(BLOB_MAGIC);
    const emit = async (chunk: Buffer) => { await out(sealBytes(key, `${sha256}:${index}`, chunk)); index += 1; };
    return {
      write: async (b) => {
        pending = pending.length ? Buffer.concat([pending, b]) : b;
        while (pending.length >= CHUNK_BYTES) {
          await emit(pending.subarray(0, CHUNK_BYTES));
          pending = pending.subarray(CHUNK_BYTES);
        }
      },
      end: async () => { if (pending.length || index === 0) await emit(pending); },
    };
  }

  /** Where the sealed chunks covering [offset, offset + length) lie in the stored blob. */
  static span(offset: number, length: number): { first: number; at: number; bytes: number } {
    const first = Math.floor(offset / CHUNK_BYTES);
    const last = Math.floor((offset + Math.max(length, 1) - 1) / CHUNK_BYTES);
    return { first, at: BLOB_MAGIC.length + first * SEALED_CHUNK_BYTES, bytes: (last - first + 1) * SEALED_CHUNK_BYTES };
  }

  /** The plaintext of [offset, offset + length) from the sealed chunks `span` pointed at (the last may be short). */
  async openSpan(sha256: string, offset: number, length: number, sealed: Buffer): Promise<Buffer> {
    const key = await this.derive(`blob:${sha256}`);
    const { first } = BlobSealer.span(offset, length);
    const plain: Buffer[] = [];
    for (let at = 0, i = first; at < sealed.length; at += SEALED_CHUNK_BYTES, i += 1) {
      plain.push(openBytes(key, `${sha256}:${i}`, sealed.subarray(at, Math.min(at + SEALED_CHUNK_BYTES, sealed.length))));
    }
    const start = offset - first * CHUNK_BYTES;
    return Buffer.concat(plain).subarray(start, start + length);
  }
}
