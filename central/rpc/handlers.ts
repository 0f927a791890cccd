import type { Actor } from '../../core/actor.js';
import type { Services } from '../../core/services.js';
import { AppError, toErrorBody } from '../../shared/errors.js';
import { API, INTERNAL, MAX_SENDS_PER_BATCH, type AuthLevel, type Method } from '../../shared/protocol/api.js';
import type { Reply } from '../../shared/bus/bus.js';
import { actorResolver, type RpcRequest } from './actors.js';
import { policyGate, type Gate } from './gate.js';

export type { RpcRequest } from './actors.js';

type Handler = (req: RpcRequest) => Promise<unknown>;
type InternalMethod = (typeof INTERNAL)[keyof typeof INTERNAL];
/** A domain call: the actor is null only for operations whose policy is 'none'. */
type Call = (actor: Actor, params: unknown, req: RpcRequest) => Promise<unknown>;

/** The policy of each internal bus method (public ones take theirs from the operation table). */
const INTERNAL_POLICY: Record<InternalMethod, AuthLevel> = {
  [INTERNAL.resolve]: 'none', [INTERNAL.ping]: 'none', [INTERNAL.presenceReport]: 'none',
  // Each item of a batch passes the gate on its own (see msg.sendMany below).
  [INTERNAL.sendMany]: 'none',
  [INTERNAL.fileBegin]: 'user', [INTERNAL.filePart]: 'user', [INTERNAL.fileFinish]: 'user', [INTERNAL.fileMeta]: 'user', [INTERNAL.fileRead]: 'user',
  [INTERNAL.dirSnapshotMeta]: 'user', [INTERNAL.dirSnapshotPart]: 'user',
};

export function policyOf(method: Method | InternalMethod): AuthLevel {
  return method in API ? API[method as Method].auth : INTERNAL_POLICY[method as InternalMethod];
}

/** The sends of a `msg.sendMany` request, checked for shape only (each is validated like a single send). */
function sendItems(req: RpcRequest): RpcRequest[] {
  const items = (req.params as { items?: unknown } | undefined)?.items;
  if (!Array.isArray(items) || items.length === 0 || items.length > MAX_SENDS_PER_BATCH) {
    throw new AppError('SB_VALIDATION', `items: 1 to ${MAX_SENDS_PER_BATCH} sends`, { field: 'items' });
  }
  return items.map((item) => (typeof item === 'object' && item !== null ? item as RpcRequest : {}));
}

function presenceIds(p: unknown): unknown {
  const ids = (p as { user_ids?: unknown }).user_ids;
  return typeof ids === 'string' ? ids.split(',').filter(Boolean) : ids;
}

/**
 * A relay's presence report with each entry's token verified here: whose presence it is comes from the
 * session, never from the relay. Entries whose token no longer verifies are dropped (their entry expires).
 */
async function verifiedPresence(s: Services, params: unknown): Promise<unknown> {
  const p = (typeof params === 'object' && params !== null ? params : {}) as { relay?: unknown; entries?: unknown };
  const raw = Array.isArray(p.entries) ? p.entries.slice(0, 10_000) : [];
  const entries = (await Promise.all(raw.map(async (e: unknown) => {
    const { token, status } = (typeof e === 'object' && e !== null ? e : {}) as { token?: unknown; status?: unknown };
    const session = await s.auth.resolve(token).catch(() => null); // unverifiable: the entry is dropped, not trusted
    return session ? { user_id: session.userId, session_id: session.sessionId, status } : null;
  }))).filter((e) => e !== null);
  return { relay: p.relay, entries };
}

/** Bus method → domain call. Nothing else lives here: no rules, no SQL. */
function calls(s: Services): Record<Method | InternalMethod, Call> {
  return {
    [INTERNAL.resolve]: (_a, p) => s.auth.resolve((p as { token?: unknown }).token),
    [INTERNAL.ping]: async () => ({ ok: true }),
    [INTERNAL.sendMany]: () => { throw new AppError('SB_INTERNAL', 'msg.sendMany is dispatched by itself'); },
    'auth.login': (_a, p, req) => s.auth.login(p, req.ip ?? null),
    'auth.logout': async (a) => { await s.auth.logout(a); return {}; },
    'auth.sessions': (a) => s.auth.mySessions(a),
    'auth.password': async (a, p, req) => { await s.auth.changePassword(a, p, req.ip ?? null); return {}; },
    'users.me': (a) => s.users.me(a),
    'users.list': (a, p) => s.users.list(a, p),
    'users.get': (a, p) => s.users.get(a, p),
    'conv.list': (a) => s.messaging.listConversations(a),
    'conv.get': (a, p) => s.messaging.getConversation(a, p),
    'conv.direct': (a, p) => s.messaging.openDirect(a, p),
    'conv.group': (a, p) => s.messaging.createGroup(a, p),
    'conv.rename': (a, p) => s.messaging.rename(a, p),
    'conv.addMembers': (a, p) => s.messaging.addMembers(a, p),
    'conv.removeMember': (a, p) => s.messaging.removeMember(a, p),
    'conv.setRole': (a, p) => s.messaging.setRole(a, p),
    'conv.transfer': (a, p) => s.messaging.transfer(a, p),
    'conv.notice': (a, p) => s.messaging.setNotice(a, p),
    'conv.mute': (a, p) => s.messaging.setMuted(a, p),
    'conv.leave': (a, p) => s.messaging.leave(a, p),
    'msg.history': (a, p) => s.messaging.history(a, p),
    'msg.send': (a, p) => s.messaging.send(a, p),
    'msg.read': (a, p) => s.messaging.markRead(a, p),
    'sync': (a, p) => s.messaging.sync(a, p),
    'files.begin': (a, p) => s.files.begin(a, p),
    'files.part': (a, p) => s.files.part(a, p),
    'files.finish': (a, p) => s.files.finish(a, p),
    'files.meta': (a, p) => s.files.meta(a, p),
    'files.read': (a, p) => s.files.read(a, p),
    [INTERNAL.presenceReport]: async (_a, p) => s.presence.report(await verifiedPresence(s, p)),
    'presence.query': (a, p) => s.presence.query(a, { user_ids: presenceIds(p) }),
    'admin.users.list': (a, p) => s.admin.listUsers(a, p),
    'admin.users.create': (a, p) => s.admin.createUser(a, p),
    'admin.users.disable': (a, p) => s.admin.setDisabled(a, p, true),
    'admin.users.enable': (a, p) => s.admin.setDisabled(a, p, false),
    'admin.users.password': (a, p) => s.admin.resetPassword(a, p),
    'admin.users.setAdmin': (a, p) => s.admin.setAdmin(a, p),
    'admin.sessions.list': (a, p) => s.admin.listSessions(a, p),
    'admin.sessions.revoke': (a, p) => s.admin.revokeSession(a, p),
    'admin.groups.create': (a, p) => s.admin.createGroup(a, p),
    'admin.audit': (a, p) => s.admin.auditLog(a, p),
    'admin.audit.verify': (a) => s.admin.verifyAudit(a),
    'dir.orgs': (a) => s.directory.orgs(a),
    'dir.changes': (a, p) => s.directory.changes(a, p),
    'dir.search': (a, p) => s.directory.search(a, p),
    'dir.person': (a, p) => s.directory.person(a, p),
    'dir.dept': (a, p) => s.directory.dept(a, p),
    [INTERNAL.dirSnapshotMeta]: (a) => s.directory.snapshotMeta(a),
    [INTERNAL.dirSnapshotPart]: (a, p) => s.directory.snapshotPart(a, p),
    'admin.dir.org.create': (a, p) => s.directory.createOrg(a, p),
    'admin.dir.org.update': (a, p) => s.directory.updateOrg(a, p),
    'admin.dir.org.delete': (a, p) => s.directory.deleteOrg(a, p),
    'admin.dir.dept.create': (a, p) => s.directory.createDept(a, p),
    'admin.dir.dept.update': (a, p) => s.directory.updateDept(a, p),
    'admin.dir.dept.delete': (a, p) => s.directory.deleteDept(a, p),
    'admin.dir.person.create': (a, p) => s.directory.createPerson(a, p),
    'admin.dir.person.update': (a, p) => s.directory.updatePerson(a, p),
    'admin.dir.person.delete': (a, p) => s.directory.deletePerson(a, p),
    'admin.dir.policy.list': (a) => s.directory.listPolicies(a),
    'admin.dir.policy.set': (a, p) => s.directory.setPolicy(a, p),
    'admin.dir.policy.delete': (a, p) => s.directory.deletePolicy(a, p),
    'admin.dir.scope.set': (a, p) => s.directory.setScope(a, p),
    'admin.dir.import': (a, p) => s.directory.importOrg(a, p),
    'admin.dir.export': (a, p) => s.directory.exportOrg(a, p),
  };
}

/** Operations after which a user's administrator flag may differ. */
const RIGHTS_CHANGES = new Set<string>(['admin.users.setAdmin', 'admin.users.disable', 'admin.users.enable']);

/** The user's administrator flag as the gate needs it: an enabled user with is_admin. */
function adminFlag(s: Services): (userId: number) => Promise<boolean> {
  return (userId) => s.admin.requireAdmin({ userId, sessionId: '' }).then(() => true, (e: unknown) => {
    if (e instanceof AppError && e.code === 'SB_FORBIDDEN') return false;
    throw e;
  });
}

/** One dispatcher: every bus method passes the policy gate, then reaches its domain call. */
export function rpcHandlers(s: Services, gate: Gate = policyGate(actorResolver((token) => s.auth.resolve(token)), adminFlag(s))): Record<Method | InternalMethod, Handler> {
  const table = calls(s);
  const dispatch = (method: Method | InternalMethod): Handler => {
    const policy = policyOf(method);
    const call = table[method];
    if (!RIGHTS_CHANGES.has(method)) return async (req) => call((await gate.check(policy, req)) as Actor, req.params ?? {}, req);
    return async (req) => {
      const result = await call((await gate.check(policy, req)) as Actor, req.params ?? {}, req);
      // The next request of that user sees the new rights at once (other central processes within the cache window).
      gate.forget(Number((req.params as { user_id?: unknown } | undefined)?.user_id));
      return result;
    };
  };
  const handlers = Object.fromEntries(Object.keys(table).map((m) => [m, dispatch(m as Method | InternalMethod)])) as Record<Method | InternalMethod, Handler>;
  const send = handlers['msg.send'];
  // Each send succeeds or fails on its own, exactly as if it had come alone.
  handlers[INTERNAL.sendMany] = async (req) => ({
    results: await Promise.all(sendItems(req).map((item): Promise<Reply> => Promise.resolve()
      .then(() => send(item))
      .then((result) => ({ ok: true, result }), (e: unknown) => ({ ok: false, error: toErrorBody(e) })))),
  });
  return handlers;
}

