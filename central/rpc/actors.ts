import type { Actor } from '../../core/actor.js';
import { AppError } from '../../shared/errors.js';
import type { RpcRequest } from '../../shared/protocol/wire.js';

export type { RpcRequest } from '../../shared/protocol/wire.js';

/** Verifies a session token and says whose it is (AuthService.resolve: store, with a cache dropped on revoke). */
export type VerifyToken = (token: unknown) => Promise<{ userId: number; sessionId: string }>;

/**
 * The acting user of a request, derived at central from the credential the relay forwarded. An `actor`
 * field on the wire is never read: a relay is a branch machine that head office does not control, so it
 * can act only for people whose credentials pass through it, and only while they do.
 */
export function actorResolver(verify: VerifyToken): (req: RpcRequest) => Promise<Actor> {
  return async (req) => {
    const token = req.credential?.token;
    if (typeof token !== 'string') throw new AppError('SB_UNAUTHENTICATED');
    const r = await verify(token);
    return { userId: r.userId, sessionId: r.sessionId };
  };
}
