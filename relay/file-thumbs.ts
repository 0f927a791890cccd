import { createHash } from 'node:crypto';
import type { HttpRequest, HttpResponse, TemplatedApp } from 'uWebSockets.js';
import { AppError } from '../shared/errors.js';
import { INTERNAL } from '../shared/protocol/api.js';
import type { Caller as Actor } from '../shared/protocol/wire.js';
import type { FileView } from '../shared/protocol/types.js';
import type { FileCache } from './file-cache.js';
import { send, sendError, watchAbort } from './http.js';

type Rpc = <T>(method: string, payload: unknown) => Promise<T>;

interface ThumbReply { sha256: string; size: number; width: number; height: number; data: string }

/**
 * GET /api/v1/files/:file_id/thumb: an image's thumbnail (a JPEG made at central), with the same access check
 * as the file itself (the grant the download uses), kept in the relay's file cache under its own hash.
 */
export function registerThumbRoute(app: TemplatedApp, deps: {
  rpc: Rpc;
  authenticate: (authorization: string) => Promise<Actor>;
  grantFor: (actor: Actor, fileId: number) => Promise<FileView>;
  cache: FileCache;
  counters: { thumb_hits: number; thumb_fetches: number };
}): void {
  const { cache, counters } = deps;
  /** A file's thumbnail hash never changes once made: which cached blob answers for which file. */
  const known = new Map<number, string>();

  app.get('/api/v1/files/:file_id/thumb', (res: HttpResponse, req: HttpRequest) => {
    const state = watchAbort(res);
    const authz = req.getHeader('authorization');
    const fileId = Number(req.getParameter(0));
    const ifNoneMatch = req.getHeader('if-none-match');
    void (async () => {
      try {
        if (!Number.isSafeInteger(fileId) || fileId < 1) throw new AppError('SB_VALIDATION', 'file_id: must be a positive integer');
        const actor = await deps.authenticate(authz);
        await deps.grantFor(actor, fileId);
        let sha = known.get(fileId);
        if (sha && ifNoneMatch === `"${sha}"`) { send(res, state, 304, '', { etag: `"${sha}"` }); return; }
        let data = sha ? await cache.read(sha) : null;
        if (data) counters.thumb_hits += 1;
        else {
          counters.thumb_fetches += 1;
          const t = await deps.rpc<ThumbReply>(INTERNAL.fileThumb, { credential: actor.credential, params: { file_id: fileId } });
          data = Buffer.from(t.data, 'base64');
          if (createHash('sha256').update(data).digest('hex') !== t.sha256) throw new AppError('SB_INTERNAL', 'Thumbnail failed verification');
          sha = t.sha256;
          if (known.size > 100_000) known.clear();
          known.set(fileId, sha);
          const temp = cache.tempFile();
          temp.write(data);
          temp.close();
          await cache.adopt(temp.path, sha, data.length);
        }
        send(res, state, 200, data, {
          'content-type': 'image/jpeg',
          'content-security-policy': "default-src 'none'; sandbox",
          etag: `"${sha}"`,
          'cache-control': 'private, max-age=31536000, immutable',
          'x-content-type-options': 'nosniff',
        });
      } catch (e) {
        sendError(res, state, e);
      }
    })();
  });
}
