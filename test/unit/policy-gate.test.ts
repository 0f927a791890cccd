import t from 'tap';
import type { Services } from '../../core/services.js';
import { AppError } from '../../shared/errors.js';
import { INTERNAL } from '../../shared/protocol/api.js';
import { OPERATIONS, type OperationName } from '../../core/operations.js';
import { policyOf, rpcHandlers } from '../../central/rpc/handlers.js';
import { sampleParams } from '../helpers/sample-params.js';

const ADMIN = 1;
const USER = 2;

/** Services whose every method records that it was reached; user 1 is the only administrator. */
function recordingServices(): { services: Services; reached: string[] } {
  const reached: string[] = [];
  const service = (name: string) => new Proxy({}, {
    get: (_t, prop: string) => async (...args: unknown[]) => {
      // Tokens are resolved through the devices service (AuthService.resolve, plus SB_WIPED for a wiped session).
      if ((name === 'auth' || name === 'devices') && prop === 'resolve') {
        const m = /^token-of-user-(\d+)$/.exec(String(args[0]));
        if (!m) throw new AppError('SB_UNAUTHENTICATED');
        return { userId: Number(m[1]), sessionId: `s${m[1]}`, expiresAt: Infinity };
      }
      if (name === 'admin' && prop === 'isAdmin') return args[0] === ADMIN;
      if (name === 'directory' && prop === 'scopeCovers') return true;
      if (name === 'roles' && prop === 'authority') return args[0] === ADMIN ? { roots: null } : null;
      reached.push(`${name}.${prop}`);
      return {};
    },
  });
  const services = new Proxy({}, { get: (_t, name: string) => service(name) }) as Services;
  return { services, reached };
}

const ALL = Object.keys(OPERATIONS) as OperationName[];

t.test('every bus method has a handler and a policy', async (t) => {
  const handlers = rpcHandlers(recordingServices().services);
  for (const method of ALL) {
    t.type(handlers[method], 'function', `${method} is served`);
    t.ok(['none', 'user', 'admin'].includes(policyOf(method)), `${method} has a policy`);
  }
  t.same(Object.keys(handlers).sort(), [...ALL].sort(), 'and nothing else is served');
  for (const name of Object.values(INTERNAL)) t.ok(name in OPERATIONS, `the internal method ${name} is in the table`);
});

t.test('the gate refuses before any handler runs', async (t) => {
  const { services, reached } = recordingServices();
  const handlers = rpcHandlers(services);
  for (const method of ALL) {
    const policy = policyOf(method);
    if (policy === 'none') continue;
    await t.rejects(handlers[method]({ params: {} }), { code: 'SB_UNAUTHENTICATED' }, `${method} without a credential`);
    await t.rejects(handlers[method]({ actor: { userId: ADMIN, sessionId: 's' }, params: {} } as never), { code: 'SB_UNAUTHENTICATED' }, `${method} with a forged actor and no credential`);
    await t.rejects(handlers[method]({ credential: { token: 'forged' }, params: {} }), { code: 'SB_UNAUTHENTICATED' }, `${method} with a token central does not know`);
    if (policy === 'admin') {
      await t.rejects(handlers[method]({ credential: { token: `token-of-user-${USER}` }, params: {} }), { code: 'SB_FORBIDDEN' }, `${method} by an ordinary user`);
    }
  }
  t.same(reached, [], 'no domain call was reached by a refused request');

  const adminMethods = ALL.filter((m) => policyOf(m) === 'admin');
  t.ok(adminMethods.length >= 20, 'the administrator operations are gated');
  for (const method of adminMethods) await handlers[method]({ credential: { token: `token-of-user-${ADMIN}` }, params: sampleParams(OPERATIONS[method].params) });
  t.equal(reached.length, adminMethods.length, 'an administrator reaches every one of them');
});

t.test('each send of a batch passes the gate on its own', async (t) => {
  const { services, reached } = recordingServices();
  const handlers = rpcHandlers(services);
  const out = await handlers[INTERNAL.sendMany]({ params: { items: [{ params: {} }, { credential: { token: `token-of-user-${USER}` }, params: sampleParams(OPERATIONS['msg.send'].params) }] } }) as { results: { ok: boolean; error?: { code: string } }[] };
  t.equal(out.results[0]!.ok, false);
  t.equal(out.results[0]!.error!.code, 'SB_UNAUTHENTICATED');
  t.equal(out.results[1]!.ok, true);
  t.same(reached, ['messaging.send']);
});

t.test('the administrator flag is cached briefly', async (t) => {
  const { policyGate } = await import('../../central/rpc/gate.js');
  let now = 0;
  let reads = 0;
  let admin = true;
  const gate = policyGate(async () => ({ userId: 7, sessionId: 's' }), async () => { reads += 1; return admin; }, () => now);
  const req = {};
  await gate.check('admin', req);
  await gate.check('admin', req);
  t.equal(reads, 1, 'one read within the cache window');
  admin = false;
  now = 1500;
  await t.rejects(gate.check('admin', req), { code: 'SB_FORBIDDEN' }, 'a revoked administrator is refused once the entry is old');
  t.equal(reads, 2);
});

t.test('a change of rights is seen at once by the next request', async (t) => {
  const { policyGate } = await import('../../central/rpc/gate.js');
  let admin = false;
  const gate = policyGate(async () => ({ userId: 7, sessionId: 's' }), async () => admin, () => 0);
  const req = {};
  await t.rejects(gate.check('admin', req), { code: 'SB_FORBIDDEN' });
  admin = true;
  gate.forget(7);
  t.same(await gate.check('admin', req), { userId: 7, sessionId: 's' }, 'granted rights apply without waiting for the cache');
});

t.test('the gate checks the actor, then the params, then the permission and the administrator\'s scope', async (t) => {
  const { policyGate } = await import('../../central/rpc/gate.js');
  const asked: unknown[] = [];
  const gate = policyGate(async () => ({ userId: 7, sessionId: 's' }), async () => true, () => 0,
    async (roots, names) => { asked.push([roots, names]); return !(names.deptIds ?? []).includes(9); },
    async (adminId, need) => (adminId === 7 && need === 'departments' ? { roots: [4, 5] } : null));
  const op = OPERATIONS['admin.dir.dept.delete'];
  await t.rejects(gate.admit(op, { params: { dept_id: 'x' } }), { code: 'SB_VALIDATION', details: { field: 'dept_id' } }, 'bad params are refused');
  t.same(asked, [], 'before any scope is read');
  await t.rejects(gate.admit(op, { params: { dept_id: 9 } }), { code: 'SB_FORBIDDEN', message: 'Outside your administration scope' });
  t.same((await gate.admit(op, { params: { dept_id: '4', move_to: 5 } })).params, { dept_id: 4, move_to: 5 }, 'inside the scope: checked, typed params');
  t.same(asked, [[[4, 5], { deptIds: [9] }], [[4, 5], { deptIds: [4, 5] }]], 'the scope of the grants holding the permission is asked about what the operation names');
  t.same((await gate.admit(op, { params: { dept_id: 4 } })).actor, { userId: 7, sessionId: 's', authority: { roots: [4, 5] } }, 'the service is handed the reach of those grants');
  await t.rejects(gate.admit(OPERATIONS['admin.dir.person.delete'], { params: { person_id: 4 } }), { code: 'SB_FORBIDDEN', message: 'Requires the people permission' }, 'an administrator without the permission is refused');
  const denied = policyGate(async () => ({ userId: 8, sessionId: 's' }), async () => false, () => 0, async () => { throw new Error('not reached'); });
  await t.rejects(denied.admit(op, { params: { dept_id: 'x' } }), { code: 'SB_FORBIDDEN', message: 'Administrator rights required' }, 'rights come before params');
});
