import type { Actor } from '../../core/actor.js';
import { AppError } from '../../shared/errors.js';

/**
 * What a relay sends with every request today: the actor it resolved from the token, and the params.
 * The credential-forwarding work replaces `actorFor` with a check of `credential` at central; the policy
 * gate calls only this function, so that change stays here.
 */
export interface RpcRequest {
  actor?: Actor;
  ip?: string | null;
  params?: unknown;
}

/** The acting user of a request, or SB_UNAUTHENTICATED. */
export async function actorFor(req: RpcRequest): Promise<Actor> {
  const a = req.actor;
  if (!a || typeof a.userId !== 'number' || typeof a.sessionId !== 'string') throw new AppError('SB_UNAUTHENTICATED');
  return a;
}
