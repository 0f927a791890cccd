import { gunzipSync } from 'node:zlib';
import type { HttpRequest, HttpResponse, TemplatedApp } from 'uWebSockets.js';
import { AppError } from '../shared/errors.js';
import { INTERNAL } from '../shared/protocol/api.js';
import type { Caller as Actor } from '../shared/protocol/wire.js';
import { send, sendError, watchAbort } from './http.js';

type Rpc = <T>(method: string, payload: unknown) => Promise<T>;
interface Meta { key: string; version: number; size: number; part_bytes: number }

/**
 * GET /api/v1/directory/snapshot: the directory as this user may see it, gzipped.
 * Central builds the bytes once per version and view; the relay fetches them in
 * parts once and serves every client of the same view from memory.
 */
export function registerDirectoryRoutes(app: TemplatedApp, deps: { rpc: Rpc; authenticate: (authorization: string) => Promise<Actor> }): void {
  const cache = new Map<string, Promise<Buffer>>();

  async function fetchBytes(actor: Actor, meta: Meta): Promise<Buffer> {
    const parts: Buffer[] = [];
    for (let offset = 0; offset < meta.size;) {
      const { data } = await deps.rpc<{ data: string }>(INTERNAL.dirSnapshotPart, { credential: actor.credential, params: { key: meta.key, offset } });
      const buf = Buffer.from(data, 'base64');
      if (buf.length === 0) throw new AppError('SB_INTERNAL', 'Snapshot ended early');
      parts.push(buf);
      offset += buf.length;
    }
    return Buffer.concat(parts);
  }

  async function bytesFor(actor: Actor): Promise<{ meta: Meta; gz: Buffer }> {
    for (let attempt = 0; ; attempt++) {
      const meta = await deps.rpc<Meta>(INTERNAL.dirSnapshotMeta, { credential: actor.credential });
      let pending = cache.get(meta.key);
      if (!pending) {
        pending = fetchBytes(actor, meta);
        cache.set(meta.key, pending);
        pending.catch(() => cache.delete(meta.key));
        while (cache.size > 8) cache.delete(cache.keys().next().value!);
      }
      try {
        return { meta, gz: await pending };
      } catch (e) {
        if (e instanceof AppError && e.code === 'SB_CONFLICT' && attempt < 2) continue;
        throw e;
      }
    }
  }

  app.get('/api/v1/directory/snapshot', (res: HttpResponse, req: HttpRequest) => {
    const state = watchAbort(res);
    const authz = req.getHeader('authorization');
    const gzipOk = req.getHeader('accept-encoding').includes('gzip');
    const ifNoneMatch = req.getHeader('if-none-match');
    void (async () => {
      try {
        const actor = await deps.authenticate(authz);
        const { meta, gz } = await bytesFor(actor);
        const headers: Record<string, string> = {
          'content-type': 'application/json; charset=utf-8', etag: `"${meta.key}"`, 'x-directory-version': String(meta.version),
          'cache-control': 'private, no-cache', 'x-content-type-options': 'nosniff', vary: 'accept-encoding',
        };
        if (ifNoneMatch === `"${meta.key}"`) { send(res, state, 304, '', headers); return; }
        if (gzipOk) send(res, state, 200, gz, { ...headers, 'content-encoding': 'gzip' });
        else send(res, state, 200, gunzipSync(gz), headers);
      } catch (e) {
        sendError(res, state, e);
      }
    })();
  });
}
