import type { Actor } from '../../core/actor.js';
import { AppError } from '../../shared/errors.js';
import type { AuthLevel } from '../../shared/protocol/api.js';
import type { RpcRequest } from './actors.js';

/** How long a user's administrator flag is trusted before it is read again (ms). */
const ADMIN_CACHE_MS = 1000;
const ADMIN_CACHE_MAX = 10_000;

export interface Gate {
  /** The actor the operation may run as, or a coded refusal (SB_UNAUTHENTICATED, SB_FORBIDDEN). */
  check(policy: AuthLevel, req: RpcRequest): Promise<Actor | null>;
  /** Drops the cached administrator flag of a user whose rights just changed here. */
  forget(userId: number): void;
}

/**
 * The one policy gate, run before any handler: a verified actor for 'user' and 'admin' operations, and
 * administrator rights for 'admin' ones. `isAdmin` reads the user record (enabled and is_admin); its answer
 * is cached briefly because admin operations come in bursts from one console.
 */
export function policyGate(actorFor: (req: RpcRequest) => Promise<Actor>, isAdmin: (userId: number) => Promise<boolean>, now: () => number = Date.now): Gate {
  const cache = new Map<number, { admin: boolean; at: number }>();
  async function admin(userId: number): Promise<boolean> {
    const hit = cache.get(userId);
    if (hit && now() - hit.at < ADMIN_CACHE_MS) return hit.admin;
    const value = await isAdmin(userId);
    if (cache.size >= ADMIN_CACHE_MAX) cache.clear();
    cache.set(userId, { admin: value, at: now() });
    return value;
  }
  return {
    async check(policy, req) {
      if (policy === 'none') return null;
      const actor = await actorFor(req);
      if (policy === 'admin' && !(await admin(actor.userId))) throw new AppError('SB_FORBIDDEN', 'Administrator rights required');
      return actor;
    },
    forget(userId) { cache.delete(userId); },
  };
}
