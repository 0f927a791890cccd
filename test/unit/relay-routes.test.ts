import t from 'tap';
import { RelayRoutes } from '../../central/routes.js';

const at = { now: 1_000 };
const routes = () => new RelayRoutes(10_000, () => at.now);
const on = (user_id: number, relay: string, session_id = `s${user_id}${relay}`) => ({ user_id, session_id, relay, connected: true });
const off = (user_id: number, relay: string, session_id = `s${user_id}${relay}`) => ({ user_id, session_id, relay, connected: false });

t.test('recipients are grouped by the relays that hold them; unknown people are left out', async (t) => {
  const r = routes();
  r.note([on(1, 'a'), on(2, 'b'), on(3, 'a'), on(3, 'b', 'phone')]);
  t.same([...r.relaysOf([1, 2, 3, 4]).entries()].sort(), [['a', [1, 3]], ['b', [2, 3]]]);
  t.same([...r.relaysOf([4]).entries()], [], 'nobody holds 4');
});

t.test('a relay keeps a person while any of their sessions there is connected', async (t) => {
  const r = routes();
  r.note([on(1, 'a', 'web'), on(1, 'a', 'phone')]);
  r.note([off(1, 'a', 'web')]);
  t.same([...r.relaysOf([1]).keys()], ['a'], 'the phone is still there');
  r.note([off(1, 'a', 'phone')]);
  t.same([...r.relaysOf([1]).keys()], [], 'gone with the last session');
  t.equal(r.users, 0, 'and forgotten');
});

t.test('a report holds only until its time-to-live unless repeated', async (t) => {
  const r = routes();
  at.now = 1_000;
  r.note([on(1, 'a'), on(2, 'a')]);
  at.now = 9_000;
  r.note([on(2, 'a')]);
  at.now = 12_000;
  t.same([...r.relaysOf([1, 2]).entries()], [['a', [2]]], 'the repeated report still routes; the stale one does not');
});
