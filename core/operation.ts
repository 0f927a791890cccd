import type { Static, TObject, TSchema } from '@sinclair/typebox';
import type { AuthLevel, OperationContract } from '../shared/protocol/operation.js';
import type { RpcRequest } from '../shared/protocol/wire.js';
import type { Actor } from './actor.js';
import type { PermissionNeed } from './roles/permissions.js';
import type { Services } from './services.js';

/**
 * What an administrator's operation names, for the policy gate's scope check (core/directory: an administrator
 * with a scope acts only on the departments in it and below, and on the people and users in them).
 */
export interface ScopeNames {
  userIds?: readonly number[];
  personIds?: readonly number[];
  deptIds?: readonly number[];
  sessionIds?: readonly string[];
  policyIds?: readonly number[];
  /** Touches the directory beyond any department (orgs, top-level departments, whole imports): unscoped administrators only. */
  whole?: boolean;
}

/** What a handler may know of the request besides its checked params. */
export interface CallContext {
  ip: string | null;
  /** The token the request presented, unverified: for open operations that act on that very session (devices.wipeAck). */
  token: string | null;
  /** Runs another operation through the gate as if it had come alone (msg.sendMany). */
  dispatch(name: string, req: RpcRequest): Promise<unknown>;
}

export interface Operation<A extends AuthLevel = AuthLevel, P extends TObject = TObject, R extends TSchema = TSchema> extends OperationContract {
  auth: A;
  params: P;
  result: R;
  /**
   * For 'admin' operations: the permission the administrator must hold (core/roles/permissions.ts), through a
   * grant whose scope then limits what `scope` may name. An administrator operation without one needs every
   * permission.
   */
  permission?: PermissionNeed;
  /** For 'admin' operations that name people or departments: what the administrator's scope must cover. */
  scope?: (params: Static<P>) => ScopeNames;
  /** The domain call; the actor is null only for operations whose policy is 'none'. */
  handler: (s: Services, actor: A extends 'none' ? null : Actor, params: Static<P>, ctx: CallContext) => Promise<Static<R>>;
}

/**
 * One operation: route, policy, params and result schemas (the runtime check and the static type at once),
 * scope and handler. The feature folders' operations.ts hold these; core/operations.ts gathers them.
 */
export function op<A extends AuthLevel, P extends TObject, R extends TSchema>(def: Operation<A, P, R>): Operation<A, P, R> {
  return def;
}
