import { createHash } from 'node:crypto';
import { rm } from 'node:fs/promises';
import type { HttpRequest, HttpResponse, TemplatedApp } from 'uWebSockets.js';
import { AppError } from '../shared/errors.js';
import { INTERNAL } from '../shared/protocol/api.js';
import type { Caller as Actor } from '../shared/protocol/wire.js';
import type { FileView } from '../shared/protocol/types.js';
import { FileCache } from './file-cache.js';
import { registerThumbRoute } from './file-thumbs.js';
import { send, sendError, sendJson, watchAbort } from './http.js';

type Rpc = <T>(method: string, payload: unknown) => Promise<T>;

const INLINE_SAFE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/avif', 'text/plain']);

const GRANT_FRESH_MS = 5 * 60_000;
/** While central is unreachable, earlier grants still let people open files this relay holds. */
const GRANT_STALE_MS = 24 * 3_600_000;

/**
 * Upload and download through the relay. Uploads are streamed to a temp file,
 * then pushed to central's origin in parts (skipped when central already has
 * the content). Downloads are served from the local cache when possible.
 */
export function registerFileRoutes(app: TemplatedApp, deps: {
  rpc: Rpc;
  authenticate: (authorization: string) => Promise<Actor>;
  cacheDir: string;
  cacheMaxBytes: number;
  maxBytes: number;
}): FileRoutes {
  const cache = new FileCache(deps.cacheDir, deps.cacheMaxBytes);
  const grants = new FileGrants();
  const counters = { cache_hits: 0, origin_fetches: 0, thumb_hits: 0, thumb_fetches: 0 };

  app.post('/api/v1/files', (res: HttpResponse, req: HttpRequest) => {
    let onAbort: (() => void) | null = null;
    const state = watchAbort(res, () => onAbort?.());
    const authz = req.getHeader('authorization');
    const mime = req.getHeader('content-type') || 'application/octet-stream';
    const name = new URLSearchParams(req.getQuery() ?? '').get('name') ?? '';
    const temp = cache.tempFile();
    const hash = createHash('sha256');
    let size = 0;
    let failed: AppError | null = null;
    const received = new Promise<void>((resolve) => {
      // A client that goes away mid-body: stop, and let the catch below release the descriptor and temp file.
      onAbort = () => { failed ??= new AppError('SB_VALIDATION', 'Upload aborted'); resolve(); };
      res.onData((chunk, isLast) => {
        if (!failed) {
          size += chunk.byteLength;
          if (size > deps.maxBytes) failed = new AppError('SB_FRAME_TOO_LARGE', `Files may be at most ${deps.maxBytes} bytes`);
          else { const b = Buffer.from(chunk.slice(0)); hash.update(b); temp.write(b); }
        }
        if (isLast) resolve();
      });
    });
    void (async () => {
      try {
        let actor: Actor;
        try {
          actor = await deps.authenticate(authz);
        } catch (e) {
          // Refused: take no more bytes to disk.
          failed ??= e instanceof AppError ? e : new AppError('SB_UNAUTHENTICATED');
          throw e;
        }
        await received;
        temp.close();
        if (failed) throw failed;
        const sha256 = hash.digest('hex');
        const meta = { name, mime: mime.split(';')[0]!.trim(), size, sha256 };
        const begun = await deps.rpc<{ file: FileView | null; upload_id: string | null; part_bytes: number }>(INTERNAL.fileBegin, { credential: actor.credential, params: meta });
        let file = begun.file;
        if (!file) {
          for (let offset = 0; offset < size || (size === 0 && offset === 0); offset += begun.part_bytes) {
            const buf = await cache.readTemp(temp.path, offset, Math.min(begun.part_bytes, size - offset));
            await deps.rpc(INTERNAL.filePart, { credential: actor.credential, params: { upload_id: begun.upload_id, offset, data: buf.toString('base64') } });
            if (size === 0) break;
          }
          file = await deps.rpc<FileView>(INTERNAL.fileFinish, { credential: actor.credential, params: { ...meta, upload_id: begun.upload_id } });
        }
        await cache.adopt(temp.path, sha256, size);
        grants.set(actor.userId, file, Date.now());
        sendJson(res, state, 200, file);
      } catch (e) {
        temp.close();
        await rm(temp.path, { force: true }).catch(() => {}); // best-effort removal of a temp file; the upload error is thrown
        sendError(res, state, e);
      }
    })();
  });

  app.get('/api/v1/files/:file_id', (res: HttpResponse, req: HttpRequest) => {
    const state = watchAbort(res);
    const authz = req.getHeader('authorization');
    const fileId = Number(req.getParameter(0));
    const ifNoneMatch = req.getHeader('if-none-match');
    void (async () => {
      try {
        if (!Number.isSafeInteger(fileId) || fileId < 1) throw new AppError('SB_VALIDATION', 'file_id: must be a positive integer');
        const actor = await deps.authenticate(authz);
        const file = await grantFor(actor, fileId);
        if (ifNoneMatch === `"${file.sha256}"`) { send(res, state, 304, '', { etag: `"${file.sha256}"` }); return; }
        let data = await cache.read(file.sha256);
        if (data) counters.cache_hits += 1;
        else data = await fetchFromOrigin(actor, file);
        send(res, state, 200, data, {
          // Only passive image types keep their type; anything else (HTML, SVG, scripts) is bytes to save, never a page of ours.
          'content-type': INLINE_SAFE_TYPES.has(file.mime) ? file.mime : 'application/octet-stream',
          'content-security-policy': "default-src 'none'; sandbox",
          'content-disposition': `attachment; filename*=UTF-8''${encodeURIComponent(file.name)}`,
          etag: `"${file.sha256}"`,
          'cache-control': 'private, max-age=31536000, immutable',
          'x-content-type-options': 'nosniff',
        });
      } catch (e) {
        sendError(res, state, e);
      }
    })();
  });

  registerThumbRoute(app, { rpc: deps.rpc, authenticate: deps.authenticate, grantFor, cache, counters });

  async function grantFor(actor: Actor, fileId: number): Promise<FileView> {
    const g = grants.get(actor.userId, fileId);
    if (g && Date.now() - g.at < GRANT_FRESH_MS) return g.file;
    const asked = Date.now();
    try {
      const file = await deps.rpc<FileView>(INTERNAL.fileMeta, { credential: actor.credential, params: { file_id: fileId } });
      grants.set(actor.userId, file, asked);
      return file;
    } catch (e) {
      if (e instanceof AppError && e.code === 'SB_CENTRAL_UNAVAILABLE' && g && Date.now() - g.at < GRANT_STALE_MS && cache.has(g.file.sha256)) return g.file;
      if (e instanceof AppError && (e.code === 'SB_NOT_FOUND' || e.code === 'SB_FORBIDDEN')) grants.drop([actor.userId]);
      throw e;
    }
  }

  async function fetchFromOrigin(actor: Actor, file: FileView): Promise<Buffer> {
    counters.origin_fetches += 1;
    const parts: Buffer[] = [];
    let offset = 0;
    while (offset < file.size) {
      const { data } = await deps.rpc<{ data: string }>(INTERNAL.fileRead, { credential: actor.credential, params: { file_id: file.id, offset } });
      const buf = Buffer.from(data, 'base64');
      if (buf.length === 0) break;
      parts.push(buf);
      offset += buf.length;
    }
    const bytes = Buffer.concat(parts);
    if (createHash('sha256').update(bytes).digest('hex') !== file.sha256) throw new AppError('SB_INTERNAL', 'File content failed verification');
    const temp = cache.tempFile();
    temp.write(bytes);
    temp.close();
    await cache.adopt(temp.path, file.sha256, bytes.length);
    return bytes;
  }

  return {
    stats: () => ({ ...counters, cached_files: cache.count, cached_bytes: cache.bytes }),
    dropGrants: (userIds) => grants.drop(userIds),
    dropFileGrants: (fileIds) => grants.dropFiles(fileIds),
  };
}

export interface FileRoutes {
  stats(): { cache_hits: number; origin_fetches: number; thumb_hits: number; thumb_fetches: number; cached_files: number; cached_bytes: number };
  /** Central revoked these people's access (removed, left, disabled): what they may open is asked again. */
  dropGrants(userIds: number[]): void;
  /** Central closed these files to a conversation (a recall): whoever asks for them is asked about again. */
  dropFileGrants(fileIds: number[]): void;
}

/**
 * Who may open which file, as central last said: per person, so that a revocation drops all of theirs at once.
 * A grant asked for before the person's latest revocation is not kept (it may predate the change).
 */
class FileGrants {
  private readonly byUser = new Map<number, Map<number, { file: FileView; at: number }>>();
  private readonly revokedAt = new Map<number, number>();
  private readonly fileRevokedAt = new Map<number, number>();
  private size = 0;

  get(userId: number, fileId: number): { file: FileView; at: number } | undefined {
    return this.byUser.get(userId)?.get(fileId);
  }

  set(userId: number, file: FileView, askedAt: number): void {
    if ((this.revokedAt.get(userId) ?? 0) >= askedAt || (this.fileRevokedAt.get(file.id) ?? 0) >= askedAt) return;
    if (this.size > 100_000) { this.byUser.clear(); this.size = 0; }
    let mine = this.byUser.get(userId);
    if (!mine) this.byUser.set(userId, mine = new Map());
    if (!mine.has(file.id)) this.size += 1;
    mine.set(file.id, { file, at: askedAt });
  }

  drop(userIds: number[]): void {
    const now = Date.now();
    for (const id of userIds) {
      this.size -= this.byUser.get(id)?.size ?? 0;
      this.byUser.delete(id);
      this.revokedAt.set(id, now);
    }
    // Revocation times matter only while a request asked before them can still be answered.
    if (this.revokedAt.size > 10_000) for (const [id, at] of this.revokedAt) if (now - at > 60_000) this.revokedAt.delete(id);
  }

  dropFiles(fileIds: number[]): void {
    const now = Date.now();
    for (const id of fileIds) {
      for (const mine of this.byUser.values()) if (mine.delete(id)) this.size -= 1;
      this.fileRevokedAt.set(id, now);
    }
    if (this.fileRevokedAt.size > 10_000) for (const [id, at] of this.fileRevokedAt) if (now - at > 60_000) this.fileRevokedAt.delete(id);
  }
}
