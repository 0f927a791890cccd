import { createHash } from 'node:crypto';
import { AppError } from '../../shared/errors.js';
import { randomId } from '../../shared/ids.js';
import type { BlobStore, FileRecord, FileThumb, Store, Thumbnailer } from '../ports.js';

/** Images larger than this are not read whole for a thumbnail (they are sent as plain files). */
export const THUMB_SOURCE_MAX_BYTES = 40 * 1024 * 1024;

/** A thumbnail as the relay fetches it: one JPEG, small enough for a single bus message. */
export interface ThumbView { sha256: string; size: number; width: number; height: number; data: string }

/**
 * Thumbnails of uploaded images: made when the image is stored (so the message that shares it carries its
 * dimensions), or on the first request for files stored before; kept in the BlobStore by their own hash.
 * Without a Thumbnailer (a central built without the image library) no file gets one.
 */
export class FileThumbs {
  constructor(private readonly store: Store, private readonly blobs: BlobStore, private readonly maker: Thumbnailer | null) {}

  /** Whether this file could get a thumbnail (its type and size); says nothing of whether one was made. */
  eligible(f: FileRecord): boolean {
    return this.maker !== null && this.maker.accepts(f.mime) && f.size > 0 && f.size <= THUMB_SOURCE_MAX_BYTES;
  }

  /** Makes and records the thumbnail once; a file that cannot have one is recorded as such. */
  async ensure(f: FileRecord): Promise<FileRecord> {
    if (f.thumb_sha256 !== null) return f;
    if (!this.eligible(f)) return (await this.store.files.setThumb(f.id, NONE)) ?? f;
    const thumb = await this.make(f);
    return (await this.store.files.setThumb(f.id, thumb)) ?? f;
  }

  /** The thumbnail's bytes, made now if the file predates thumbnails. SB_NOT_FOUND when it has none. */
  async read(f: FileRecord): Promise<ThumbView> {
    const done = await this.ensure(f);
    if (!done.thumb_sha256 || done.width === null || done.height === null) throw new AppError('SB_NOT_FOUND', 'This file has no thumbnail');
    const bytes = await this.blobs.read(done.thumb_sha256, 0, done.thumb_size ?? 0);
    if (!bytes) throw new AppError('SB_NOT_FOUND', 'Thumbnail content is missing at the origin');
    return { sha256: done.thumb_sha256, size: bytes.length, width: done.width, height: done.height, data: bytes.toString('base64') };
  }

  private async make(f: FileRecord): Promise<FileThumb> {
    const source = await this.blobs.read(f.sha256, 0, f.size);
    if (!source) return NONE;
    let made: Awaited<ReturnType<Thumbnailer['make']>>;
    try {
      made = await this.maker!.make(source);
    } catch {
      return NONE; // not an image the library reads, or over its pixel limit: the file stays a plain file
    }
    const sha256 = createHash('sha256').update(made.bytes).digest('hex');
    if (!(await this.blobs.has(sha256))) {
      const uploadId = randomId(16);
      await this.blobs.writePart(uploadId, 0, made.bytes);
      if (!(await this.blobs.finish(uploadId, sha256, made.bytes.length))) return NONE;
    }
    return { width: made.sourceWidth, height: made.sourceHeight, thumb_sha256: sha256, thumb_size: made.bytes.length };
  }
}

const NONE: FileThumb = { width: null, height: null, thumb_sha256: '', thumb_size: null };
