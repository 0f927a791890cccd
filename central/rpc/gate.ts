import type { Static, TObject } from '@sinclair/typebox';
import type { Actor, AdminActor } from '../../core/actor.js';
import type { Operation, ScopeNames } from '../../core/operation.js';
import { checkParams } from '../../core/params.js';
import { AppError } from '../../shared/errors.js';
import type { AuthLevel } from '../../shared/protocol/operation.js';
import type { Authority, PermissionNeed, ScopeRoots } from '../../core/roles/permissions.js';
import type { RpcRequest } from './actors.js';

/** How long a user's administrator flag is trusted before it is read again (ms). */
const ADMIN_CACHE_MS = 1000;
const ADMIN_CACHE_MAX = 10_000;

export interface Gate {
  /** The actor the operation may run as, or a coded refusal (SB_UNAUTHENTICATED, SB_FORBIDDEN). */
  check(policy: AuthLevel, req: RpcRequest): Promise<Actor | null>;
  /** The whole gate for one operation: actor, then params, then the administrator's scope. */
  admit<P extends TObject>(op: Pick<Operation, 'auth' | 'permission'> & { params: P; scope?: (p: Static<P>) => ScopeNames }, req: RpcRequest): Promise<{ actor: Actor | null; params: Static<P> }>;
  /** Drops the cached administrator flag of a user whose rights just changed here. */
  forget(userId: number): void;
}

/** Whether department subtrees (null: the whole organisation) cover what an operation names (core/directory reads the tree). */
export type ScopeCheck = (roots: ScopeRoots, names: ScopeNames) => Promise<boolean>;

/** What an administrator holds for a permission need (core/roles): the scope of the grants that have it, or null. */
export type AuthorityCheck = (adminId: number, need: PermissionNeed | undefined) => Promise<Authority | null>;

function describe(need: PermissionNeed | undefined): string {
  if (need === undefined) return 'every';
  if (need === 'any') return 'any administrator';
  return typeof need === 'string' ? need : need.join(' + ');
}

/**
 * The one policy gate, run before any handler: a verified actor for 'user' and 'admin' operations, and
 * administrator rights for 'admin' ones; then the params against the operation's schema; then, for
 * administrator operations, the permission the operation declares (held through some grant) and, for those that
 * name people or departments, that the scope of the grants holding it covers them. `isAdmin` reads the
 * user record (enabled and is_admin); its answer is cached briefly because admin operations come in bursts
 * from one console.
 */
export function policyGate(
  actorFor: (req: RpcRequest) => Promise<Actor>, isAdmin: (userId: number) => Promise<boolean>, now: () => number = Date.now,
  inScope: ScopeCheck = async () => true,
  authority: AuthorityCheck = async () => ({ roots: null }),
): Gate {
  const cache = new Map<number, { admin: boolean; at: number }>();
  async function admin(userId: number): Promise<boolean> {
    const hit = cache.get(userId);
    if (hit && now() - hit.at < ADMIN_CACHE_MS) return hit.admin;
    const value = await isAdmin(userId);
    if (cache.size >= ADMIN_CACHE_MAX) cache.clear();
    cache.set(userId, { admin: value, at: now() });
    return value;
  }
  const check: Gate['check'] = async (policy, req) => {
    if (policy === 'none') return null;
    const actor = await actorFor(req);
    if (policy === 'admin' && !(await admin(actor.userId))) throw new AppError('SB_FORBIDDEN', 'Administrator rights required');
    return actor;
  };
  return {
    check,
    async admit(op, req) {
      const actor = await check(op.auth, req);
      const params = checkParams<Static<typeof op.params>>(op.params, req.params);
      if (op.auth !== 'admin') return { actor, params };
      const held = await authority(actor!.userId, op.permission);
      if (!held) throw new AppError('SB_FORBIDDEN', `Requires the ${describe(op.permission)} permission`, { permission: op.permission ?? 'all' });
      if (op.scope && !(await inScope(held.roots, op.scope(params)))) throw new AppError('SB_FORBIDDEN', 'Outside your administration scope');
      return { actor: { ...actor!, authority: held } as AdminActor, params };
    },
    forget(userId) { cache.delete(userId); },
  };
}
