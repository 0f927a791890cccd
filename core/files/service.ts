import { createHash } from 'node:crypto';
import { AppError } from '../../shared/errors.js';
import { randomId } from '../../shared/ids.js';
import type { FileView } from '../../shared/protocol/types.js';
import type { Actor } from '../actor.js';
import type { BlobStore, Clock, FileRecord, Store, Thumbnailer } from '../ports.js';
import { FileThumbs, type ThumbView } from './thumbs.js';
import type { FileRulesService } from './rules.js';
import type { Static } from '@sinclair/typebox';
import type { FileDescription } from './operations.js';

export interface FilePolicy {
  /** Largest file anyone may send (文件发送限制). */
  maxBytes: number;
  /** Lower-case extensions nobody may send, e.g. ["exe", "bat"]. */
  blockedExtensions: string[];
}

/** Bytes travel between relay and central in parts of at most this size. */
export const FILE_PART_BYTES = 512 * 1024;

export function fileView(f: FileRecord): FileView {
  return { ...fileBody(f), created_at: f.created_at };
}

/** What a file message carries: the file without its creation time; an image with its dimensions. */
export function fileBody(f: FileRecord): Omit<FileView, 'created_at'> {
  const v: Omit<FileView, 'created_at'> = { id: f.id, name: f.name, size: f.size, mime: f.mime, sha256: f.sha256 };
  if (f.width !== null && f.height !== null) { v.width = f.width; v.height = f.height; }
  if (f.thumb_sha256) v.has_thumb = true;
  return v;
}

/**
 * Files: upload in parts (deduplicated by content), metadata, and reads that
 * are allowed to the uploader and to members of conversations that share the file.
 */
export class FilesService {
  private readonly thumbs: FileThumbs;

  constructor(private readonly store: Store, private readonly blobs: BlobStore, private readonly clock: Clock, private readonly policy: FilePolicy,
    thumbnailer: Thumbnailer | null, private readonly rules: FileRulesService) {
    this.thumbs = new FileThumbs(store, blobs, thumbnailer);
  }

  /** Starts an upload; when the content is already stored, the file is created at once. */
  async begin(actor: Actor, params: Static<typeof FileDescription>): Promise<{ file: FileView | null; upload_id: string | null; part_bytes: number }> {
    const p = this.describe(params);
    // Before any byte reaches the origin: a refused file leaves nothing behind.
    await this.rules.check(actor.userId, p);
    if (await this.blobs.has(p.sha256)) {
      return { file: fileView(await this.create(actor, p)), upload_id: null, part_bytes: FILE_PART_BYTES };
    }
    return { file: null, upload_id: randomId(16), part_bytes: FILE_PART_BYTES };
  }

  async part(_actor: Actor, p: { upload_id: string; offset: number; data: string }): Promise<{ ok: true }> {
    const data = Buffer.from(p.data, 'base64');
    if (p.offset + data.length > this.policy.maxBytes) throw new AppError('SB_FRAME_TOO_LARGE', 'File exceeds the size limit');
    await this.blobs.writePart(p.upload_id, p.offset, data);
    return { ok: true };
  }

  async finish(actor: Actor, params: Static<typeof FileDescription> & { upload_id: string }): Promise<FileView> {
    const p = this.describe(params);
    await this.rules.check(actor.userId, p);
    if (!(await this.blobs.finish(params.upload_id, p.sha256, p.size))) {
      throw new AppError('SB_VALIDATION', 'Uploaded bytes do not match the announced size and SHA-256', { field: 'sha256' });
    }
    return fileView(await this.create(actor, p));
  }

  async meta(actor: Actor, p: { file_id: number }): Promise<FileView> {
    return fileView(await this.accessible(actor, p.file_id));
  }

  /** One part of the bytes, base64, for a relay filling its cache. */
  async read(actor: Actor, p: { file_id: number; offset: number; length?: number }): Promise<{ data: string }> {
    const file = await this.accessible(actor, p.file_id);
    const length = Math.min(p.length ?? FILE_PART_BYTES, FILE_PART_BYTES);
    const bytes = await this.blobs.read(file.sha256, p.offset, length);
    if (!bytes) throw new AppError('SB_NOT_FOUND', 'File content is missing at the origin');
    return { data: bytes.toString('base64') };
  }

  /** The thumbnail of an image I may read (made now for images stored before thumbnails), for a relay's cache. */
  async thumb(actor: Actor, p: { file_id: number }): Promise<ThumbView> {
    return this.thumbs.read(await this.accessible(actor, p.file_id));
  }

  /** For imports: a file this user uploaded (whoever else may read it does not matter here). */
  async ownUpload(actor: Actor, fileId: number): Promise<FileRecord> {
    const file = await this.store.files.get(fileId);
    if (!file || file.uploader_id !== actor.userId) throw new AppError('SB_NOT_FOUND', 'No such file (upload it first)');
    return file;
  }

  /** The whole content of a file, for callers that checked access and size first. */
  async contents(file: FileRecord): Promise<Buffer> {
    const bytes = await this.blobs.read(file.sha256, 0, file.size);
    if (!bytes) throw new AppError('SB_NOT_FOUND', 'File content is missing at the origin');
    return bytes;
  }

  /** Stores bytes made on central (an export) as this user's file; the send limits do not apply to it. */
  async storeGenerated(actor: Actor, p: { name: string; mime: string; bytes: Buffer }): Promise<FileRecord> {
    const { bytes } = p;
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    if (!(await this.blobs.has(sha256))) {
      const uploadId = randomId(16);
      await this.blobs.writePart(uploadId, 0, bytes);
      if (!(await this.blobs.finish(uploadId, sha256, bytes.length))) throw new AppError('SB_INTERNAL', `${p.name} could not be stored`);
    }
    return this.create(actor, { name: p.name, mime: p.mime, size: bytes.length, sha256 });
  }

  /** For the messaging service: the file a message may carry. */
  async forMessage(userId: number, fileId: number): Promise<FileRecord> {
    const file = await this.accessible({ userId, sessionId: '' }, fileId);
    // The sender's rules as they are now (a rule set after the upload applies to sending it).
    await this.rules.check(userId, file);
    return file;
  }

  private async accessible(actor: Actor, fileId: number): Promise<FileRecord> {
    const file = await this.store.files.get(fileId);
    // Unknown and forbidden look alike, so file ids cannot be probed.
    if (!file || !(await this.store.files.canAccess(actor.userId, fileId))) throw new AppError('SB_NOT_FOUND', 'No such file');
    return file;
  }

  private describe(p: Static<typeof FileDescription>) {
    const name = p.name.replace(/[\\/\u0000-\u001f]/g, '_');
    const mime = p.mime ?? 'application/octet-stream';
    const { size, sha256 } = p;
    if (size > this.policy.maxBytes) throw new AppError('SB_FRAME_TOO_LARGE', `Files may be at most ${this.policy.maxBytes} bytes`);
    const ext = /\.([^.]+)$/.exec(name)?.[1]?.toLowerCase();
    if (ext && this.policy.blockedExtensions.includes(ext)) throw new AppError('SB_FORBIDDEN', `Files of type .${ext} may not be sent`);
    return { name, mime, size, sha256 };
  }

  /** Creates the record; an image gets its thumbnail before the upload answers, so the message sharing it knows its shape. */
  private async create(actor: Actor, p: { name: string; mime: string; size: number; sha256: string }): Promise<FileRecord> {
    const file = await this.store.files.create({ ...p, uploader_id: actor.userId, created_at: this.clock.now() });
    return this.thumbs.eligible(file) ? this.thumbs.ensure(file) : file;
  }
}
