import type { Actor } from '../../core/actor.js';
import type { CallContext, Operation } from '../../core/operation.js';
import { OPERATIONS, OPERATION_LIST, type OperationName } from '../../core/operations.js';
import type { Services } from '../../core/services.js';
import type { AuthLevel } from '../../shared/protocol/operation.js';
import { actorResolver, type RpcRequest } from './actors.js';
import { policyGate, type Gate } from './gate.js';

export type { RpcRequest } from './actors.js';

type Handler = (req: RpcRequest) => Promise<unknown>;

export function policyOf(method: OperationName): AuthLevel {
  return OPERATIONS[method].auth;
}

/** Operations after which a user's administrator flag may differ. */
const RIGHTS_CHANGES = new Set<string>(['admin.users.setAdmin', 'admin.users.disable', 'admin.users.enable', 'admin.grants.add', 'admin.grants.revoke']);

/** The gate central runs: tokens verified by the auth service, rights and scopes read from the domain. */
export function centralGate(s: Services): Gate {
  return policyGate(actorResolver((token) => s.devices.resolve(token)), (userId) => s.admin.isAdmin(userId), Date.now,
    (roots, names) => s.directory.scopeCovers(roots, names), (adminId, need) => s.roles.authority(adminId, need));
}

/**
 * One dispatcher, derived from the operation table: every bus method passes the policy gate (actor,
 * params, scope), then reaches its handler. Nothing else lives here: no rules, no SQL.
 */
export function rpcHandlers(s: Services, gate: Gate = centralGate(s)): Record<OperationName, Handler> {
  const handlers = {} as Record<OperationName, Handler>;
  const dispatch = (name: OperationName, op: Operation): Handler => async (req) => {
    const { actor, params } = await gate.admit(op, req);
    const ctx: CallContext = { ip: req.ip ?? null, token: typeof req.credential?.token === 'string' ? req.credential.token : null, dispatch: (other, r) => handlers[other as OperationName](r) };
    const result = await op.handler(s, actor as Actor, params, ctx);
    // The next request of that user sees the new rights at once (other central processes within the cache window).
    if (RIGHTS_CHANGES.has(name)) gate.forget((params as { user_id?: number }).user_id ?? (result as { user_id: number }).user_id);
    return result;
  };
  for (const [name, op] of OPERATION_LIST) handlers[name] = dispatch(name, op);
  return handlers;
}
