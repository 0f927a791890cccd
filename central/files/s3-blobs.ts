import { createHash } from 'node:crypto';
import type { BlobStore } from '../../core/ports.js';
import type { S3Origin } from '../../shared/config.js';
import { S3Client } from './s3-client.js';
import { EMPTY_SHA256 } from './sigv4.js';
import { BLOB_MAGIC, BlobSealer } from '../at-rest/blob-sealer.js';
import { IV_BYTES, TAG_BYTES } from '../../shared/sealing.js';

/** The configured origin (shared/config.ts), plus a part size that only tests change. */
export type S3BlobStoreOptions = Omit<S3Origin, 'kind'> & {
  /** Size of multipart parts; S3 wants at least 5 MiB for all but the last, so only tests go lower. */
  partBytes?: number;
};

const DEFAULT_PART_BYTES = 8 * 1024 * 1024;
const MAX_PARTS = 10_000; // S3's limit per multipart upload

/**
 * The file origin in an S3-compatible bucket: the bytes under `blobs/ab/cd/<sha256>`,
 * so the same file uploaded twice is stored once. Upload parts are objects under
 * `uploads/<uploadId>/<offset>`, so any central process can take any part and any can finish.
 * With a sealer (encryption at rest) parts are stored sealed and blobs as sealed chunks after the
 * sealer's magic; blobs of before, without it, are read as they are.
 */
export class S3BlobStore implements BlobStore {
  private readonly s3: S3Client;
  private readonly prefix: string;
  private readonly partBytes: number;

  constructor(opts: S3BlobStoreOptions, private readonly sealer: BlobSealer | null = null) {
    for (const field of ['endpoint', 'bucket', 'region', 'accessKeyId', 'secretAccessKey'] as const) {
      if (!opts[field]) {
        throw new Error(`files.origin (s3): ${field} is not set${field === 'secretAccessKey' ? ' (set it in the config file or SWITCHBOARD_S3_SECRET_ACCESS_KEY)' : ''}`);
      }
    }
    this.s3 = new S3Client({
      endpoint: opts.endpoint, bucket: opts.bucket, region: opts.region,
      accessKeyId: opts.accessKeyId, secretAccessKey: opts.secretAccessKey!,
      forcePathStyle: opts.forcePathStyle ?? true,
      requestTimeoutMs: opts.requestTimeoutMs ?? 30_000,
    });
    const prefix = (opts.prefix ?? '').replace(/^\/+/, '');
    this.prefix = prefix && !prefix.endsWith('/') ? `${prefix}/` : prefix;
    this.partBytes = opts.partBytes ?? DEFAULT_PART_BYTES;
  }

  /** A store whose bucket has answered a listing with these credentials: a wrong setting stops central at start. */
  static async open(opts: S3BlobStoreOptions, sealer: BlobSealer | null = null): Promise<S3BlobStore> {
    const store = new S3BlobStore(opts, sealer);
    await store.s3.list(`${store.prefix}blobs/`, 1);
    return store;
  }

  private blobKey(sha256: string): string {
    return `${this.prefix}blobs/${sha256.slice(0, 2)}/${sha256.slice(2, 4)}/${sha256}`;
  }

  /** Whether a blob is sealed, by its first bytes; a blob never changes once stored, so the answer is kept. */
  private readonly sealedBlobs = new Map<string, boolean>();

  private async isSealed(sha256: string): Promise<boolean | null> {
    const known = this.sealedBlobs.get(sha256);
    if (known !== undefined) return known;
    const head = await this.s3.getRange(this.blobKey(sha256), 0, BLOB_MAGIC.length - 1);
    if (head === null) return null;
    const sealed = head.equals(BLOB_MAGIC);
    if (this.sealedBlobs.size > 100_000) this.sealedBlobs.clear();
    this.sealedBlobs.set(sha256, sealed);
    return sealed;
  }

  private partPrefix(uploadId: string): string {
    return `${this.prefix}uploads/${uploadId.replace(/[^A-Za-z0-9_-]/g, '')}/`;
  }

  async has(sha256: string): Promise<boolean> {
    return (await this.s3.head(this.blobKey(sha256))) !== null;
  }

  async writePart(uploadId: string, offset: number, data: Buffer): Promise<void> {
    // Zero-padded offsets list in byte order.
    await this.s3.put(this.partPrefix(uploadId) + String(offset).padStart(16, '0'), this.sealer ? await this.sealer.sealPart(uploadId, offset, data) : data);
  }

  async finish(uploadId: string, sha256: string, size: number): Promise<boolean> {
    const prefix = this.partPrefix(uploadId);
    const parts = await this.s3.list(prefix);
    // A sealed part is its plaintext plus an iv and a tag.
    const overhead = this.sealer ? IV_BYTES + TAG_BYTES : 0;
    let expected = 0;
    let contiguous = true;
    for (const p of parts) {
      if (Number(p.key.slice(prefix.length)) !== expected) { contiguous = false; break; } // a missing or overlapping part
      expected += p.size - overhead;
    }
    let ok = false;
    if (contiguous && expected === size) {
      const target = this.blobKey(sha256);
      // Content already stored: the parts are still checked, but nothing is written again.
      const out = (await this.has(sha256)) ? null : new Assembler(this.s3, target, Math.max(this.partBytes, Math.ceil(size / MAX_PARTS)));
      try {
        const sink = out && this.sealer ? await this.sealer.writer(sha256, (b) => out.write(b)) : out;
        const hash = createHash('sha256');
        let total = 0;
        for (const p of parts) {
          const stored = await this.s3.get(p.key);
          if (!stored) throw new Error(`upload ${uploadId}: part ${p.key} disappeared while finishing`);
          const bytes = this.sealer ? await this.sealer.openPart(uploadId, Number(p.key.slice(prefix.length)), stored) : stored;
          hash.update(bytes);
          total += bytes.length;
          await sink?.write(bytes);
        }
        ok = total === size && hash.digest('hex') === sha256;
        if (ok && sink && 'end' in sink) await sink.end();
        if (ok) await out?.commit();
        else await out?.abandon();
      } catch (e) {
        await out?.abandon();
        throw e; // the parts stay, so finishing can be tried again
      }
    }
    await this.s3.deleteMany(parts.map((p) => p.key));
    return ok;
  }

  async read(sha256: string, offset: number, length: number): Promise<Buffer | null> {
    // Nothing to fetch from the empty file (whose hash is known), and servers answer ranges of it differently.
    if (length <= 0 || sha256 === EMPTY_SHA256) return (await this.has(sha256)) ? Buffer.alloc(0) : null;
    const sealed = await this.isSealed(sha256);
    if (sealed === null) return null;
    if (sealed) {
      if (!this.sealer) throw new Error(`blob ${sha256} is sealed and this origin has no key (atRest.enabled is false)`);
      const span = BlobSealer.span(offset, length);
      const bytes = await this.s3.getRange(this.blobKey(sha256), span.at, span.at + span.bytes - 1);
      if (bytes === null) return null;
      return bytes.length ? this.sealer.openSpan(sha256, offset, length, bytes) : Buffer.alloc(0);
    }
    return this.s3.getRange(this.blobKey(sha256), offset, offset + length - 1);
  }
}

/**
 * Writes verified bytes to the blob's key as they stream past. A file that fits in one
 * part goes up as one PUT once it is verified. A larger one goes up as a multipart
 * upload, which S3 shows under the key only when completed, i.e. after the hash matched.
 * Either way at most one part is held in memory: a single PUT could carry up to 5 GiB,
 * but files.maxBytes may be large and several uploads may finish at once.
 */
class Assembler {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private uploadId: string | null = null;
  private readonly etags: string[] = [];

  constructor(private readonly s3: S3Client, private readonly key: string, private readonly partBytes: number) {}

  async write(bytes: Buffer): Promise<void> {
    this.chunks.push(bytes);
    this.buffered += bytes.length;
    if (this.buffered >= this.partBytes) await this.flushPart();
  }

  private async flushPart(): Promise<void> {
    const body = Buffer.concat(this.chunks);
    this.chunks = [];
    this.buffered = 0;
    this.uploadId ??= await this.s3.createMultipart(this.key);
    this.etags.push(await this.s3.uploadPart(this.key, this.uploadId, this.etags.length + 1, body));
  }

  async commit(): Promise<void> {
    if (!this.uploadId) return this.s3.put(this.key, Buffer.concat(this.chunks));
    if (this.buffered > 0) await this.flushPart();
    await this.s3.completeMultipart(this.key, this.uploadId, this.etags);
  }

  /**
   * Best effort: an uncompleted multipart upload is invisible and does not block a later one
   * for the same key; a bucket lifecycle rule (AbortIncompleteMultipartUpload) reclaims what
   * an abort could not (some servers, e.g. s3rver, do not implement abort).
   */
  async abandon(): Promise<void> {
    if (this.uploadId) await this.s3.abortMultipart(this.key, this.uploadId).catch(() => {}); // the original error is the one thrown; a bucket lifecycle rule ends stale uploads
    this.chunks = [];
  }
}
