import type { Actor } from '../../core/actor.js';
import type { Services } from '../../core/services.js';
import { AppError, toErrorBody } from '../../shared/errors.js';
import { INTERNAL, MAX_SENDS_PER_BATCH, type Method } from '../../shared/protocol/api.js';
import type { Reply } from '../../shared/bus/bus.js';

/** What a relay sends with every request: who acts (resolved from the token) and the params. */
export interface RpcRequest {
  actor?: Actor;
  ip?: string | null;
  params?: unknown;
}

type Handler = (req: RpcRequest) => Promise<unknown>;

function actorOf(req: RpcRequest): Actor {
  const a = req.actor;
  if (!a || typeof a.userId !== 'number' || typeof a.sessionId !== 'string') throw new AppError('SB_UNAUTHENTICATED');
  return a;
}

/** The sends of a `msg.sendMany` request, checked for shape only (each is validated like a single send). */
function sendItems(req: RpcRequest): RpcRequest[] {
  const items = (req.params as { items?: unknown } | undefined)?.items;
  if (!Array.isArray(items) || items.length === 0 || items.length > MAX_SENDS_PER_BATCH) {
    throw new AppError('SB_VALIDATION', `items: 1 to ${MAX_SENDS_PER_BATCH} sends`, { field: 'items' });
  }
  return items.map((item) => (typeof item === 'object' && item !== null ? item as RpcRequest : {}));
}

/** Bus method → domain call. Nothing else lives here: no rules, no SQL. */
export function rpcHandlers(s: Services): Record<Method | (typeof INTERNAL)[keyof typeof INTERNAL], Handler> {
  const u = (fn: (actor: Actor, params: unknown) => Promise<unknown>): Handler => (req) => fn(actorOf(req), req.params ?? {});
  return {
    [INTERNAL.resolve]: async (req) => s.auth.resolve((req.params as { token?: unknown } | undefined)?.token),
    [INTERNAL.ping]: async () => ({ ok: true }),
    'auth.login': (req) => s.auth.login(req.params, req.ip ?? null),
    'auth.logout': u(async (a) => { await s.auth.logout(a); return {}; }),
    'auth.sessions': u((a) => s.auth.mySessions(a)),
    'auth.password': (req) => s.auth.changePassword(actorOf(req), req.params ?? {}, req.ip ?? null).then(() => ({})),
    'users.me': u((a) => s.users.me(a)),
    'users.list': u((a, p) => s.users.list(a, p)),
    'users.get': u((a, p) => s.users.get(a, p)),
    'conv.list': u((a) => s.messaging.listConversations(a)),
    'conv.get': u((a, p) => s.messaging.getConversation(a, p)),
    'conv.direct': u((a, p) => s.messaging.openDirect(a, p)),
    'conv.group': u((a, p) => s.messaging.createGroup(a, p)),
    'conv.rename': u((a, p) => s.messaging.rename(a, p)),
    'conv.addMembers': u((a, p) => s.messaging.addMembers(a, p)),
    'conv.removeMember': u((a, p) => s.messaging.removeMember(a, p)),
    'conv.setRole': u((a, p) => s.messaging.setRole(a, p)),
    'conv.transfer': u((a, p) => s.messaging.transfer(a, p)),
    'conv.notice': u((a, p) => s.messaging.setNotice(a, p)),
    'conv.mute': u((a, p) => s.messaging.setMuted(a, p)),
    'conv.leave': u((a, p) => s.messaging.leave(a, p)),
    'msg.history': u((a, p) => s.messaging.history(a, p)),
    'msg.send': u((a, p) => s.messaging.send(a, p)),
    // Each send succeeds or fails on its own, exactly as if it had come alone.
    [INTERNAL.sendMany]: async (req) => ({
      results: await Promise.all(sendItems(req).map((item): Promise<Reply> => Promise.resolve()
        .then(() => s.messaging.send(actorOf(item), item.params ?? {}))
        .then((result) => ({ ok: true, result }), (e: unknown) => ({ ok: false, error: toErrorBody(e) })))),
    }),
    'msg.read': u((a, p) => s.messaging.markRead(a, p)),
    'sync': u((a, p) => s.messaging.sync(a, p)),
    'files.begin': u((a, p) => s.files.begin(a, p)),
    'files.part': u((a, p) => s.files.part(a, p)),
    'files.finish': u((a, p) => s.files.finish(a, p)),
    'files.meta': u((a, p) => s.files.meta(a, p)),
    'files.read': u((a, p) => s.files.read(a, p)),
    [INTERNAL.presenceReport]: (req) => s.presence.report(req.params),
    'presence.query': u((a, p) => s.presence.query(a, { user_ids: typeof (p as { user_ids?: unknown }).user_ids === 'string'
      ? String((p as { user_ids: string }).user_ids).split(',').filter(Boolean) : (p as { user_ids?: unknown }).user_ids })),
    'admin.users.list': u((a, p) => s.admin.listUsers(a, p)),
    'admin.users.create': u((a, p) => s.admin.createUser(a, p)),
    'admin.users.disable': u((a, p) => s.admin.setDisabled(a, p, true)),
    'admin.users.enable': u((a, p) => s.admin.setDisabled(a, p, false)),
    'admin.users.password': u((a, p) => s.admin.resetPassword(a, p)),
    'admin.users.setAdmin': u((a, p) => s.admin.setAdmin(a, p)),
    'admin.sessions.list': u((a, p) => s.admin.listSessions(a, p)),
    'admin.sessions.revoke': u((a, p) => s.admin.revokeSession(a, p)),
    'admin.groups.create': u((a, p) => s.admin.createGroup(a, p)),
    'admin.audit': u((a, p) => s.admin.auditLog(a, p)),
    'dir.orgs': u((a) => s.directory.orgs(a)),
    'dir.changes': u((a, p) => s.directory.changes(a, p)),
    'dir.search': u((a, p) => s.directory.search(a, p)),
    'dir.person': u((a, p) => s.directory.person(a, p)),
    'dir.dept': u((a, p) => s.directory.dept(a, p)),
    [INTERNAL.dirSnapshotMeta]: u((a) => s.directory.snapshotMeta(a)),
    [INTERNAL.dirSnapshotPart]: u((a, p) => s.directory.snapshotPart(a, p)),
    'admin.dir.org.create': u((a, p) => s.directory.createOrg(a, p)),
    'admin.dir.org.update': u((a, p) => s.directory.updateOrg(a, p)),
    'admin.dir.org.delete': u((a, p) => s.directory.deleteOrg(a, p)),
    'admin.dir.dept.create': u((a, p) => s.directory.createDept(a, p)),
    'admin.dir.dept.update': u((a, p) => s.directory.updateDept(a, p)),
    'admin.dir.dept.delete': u((a, p) => s.directory.deleteDept(a, p)),
    'admin.dir.person.create': u((a, p) => s.directory.createPerson(a, p)),
    'admin.dir.person.update': u((a, p) => s.directory.updatePerson(a, p)),
    'admin.dir.person.delete': u((a, p) => s.directory.deletePerson(a, p)),
    'admin.dir.policy.list': u((a) => s.directory.listPolicies(a)),
    'admin.dir.policy.set': u((a, p) => s.directory.setPolicy(a, p)),
    'admin.dir.policy.delete': u((a, p) => s.directory.deletePolicy(a, p)),
    'admin.dir.scope.set': u((a, p) => s.directory.setScope(a, p)),
    'admin.dir.import': u((a, p) => s.directory.importOrg(a, p)),
    'admin.dir.export': u((a, p) => s.directory.exportOrg(a, p)),
  };
}
