import t from 'tap';
import { AppError } from '../../shared/errors.js';
import { checkEvent } from '../../shared/protocol/event-schemas.js';
import { makeUser, rawSocket, startServer } from '../helpers/server.js';

/** 正在输入 through the real relay: the other members of a 1:1 or small group hear it, nobody else, never stored. */
const codeOf = (p: Promise<unknown>) => p.then(() => 'ok', (e: unknown) => (e instanceof AppError ? e.code : String(e)));

t.test('a typing hint reaches the other member of a 1:1, not the typist, not outsiders; a big group gets none', async (t) => {
  const server = await startServer();
  t.teardown(() => server.stop());
  const [a, b, c] = [await makeUser(server, 'A'), await makeUser(server, 'B'), await makeUser(server, 'C')];
  const direct = await a.api.call('conv.direct', { user_id: b.user.id });
  const connect = async (token: string) => {
    const s = await rawSocket(server.url);
    s.ws.send(JSON.stringify({ t: 'auth', token }));
    await s.next((f) => f.t === 'ready');
    t.teardown(() => s.ws.close());
    return s;
  };
  const [sa, sb, sc] = [await connect(a.token), await connect(b.token), await connect(c.token)];

  sa.ws.send(JSON.stringify({ t: 'typing', id: 't1', conv_id: direct.id }));
  t.match(await sa.next((f) => f.id === 't1'), { t: 'ack' }, 'acknowledged when asked');
  const heard = await sb.next((f) => f.t === 'event' && f.event.type === 'typing');
  t.same(heard.event, { type: 'typing', conv_id: direct.id, user_id: a.user.id }, 'the other member hears who types where');
  t.equal(checkEvent(heard.event), null, 'and it matches its schema');
  await new Promise((r) => setTimeout(r, 300));
  t.notOk(sa.frames.some((f) => f.t === 'event' && f.event.type === 'typing'), 'the typist is not told');
  t.notOk(sc.frames.some((f) => f.t === 'event' && f.event.type === 'typing'), 'nor is an outsider');

  // Again at once: the relay forwards one hint per 2 s and conversation.
  const before = sb.frames.filter((f) => f.t === 'event' && f.event.type === 'typing').length;
  sa.ws.send(JSON.stringify({ t: 'typing', conv_id: direct.id }));
  await new Promise((r) => setTimeout(r, 300));
  t.equal(sb.frames.filter((f) => f.t === 'event' && f.event.type === 'typing').length, before, 'a second hint within 2 s is dropped at the relay');

  sc.ws.send(JSON.stringify({ t: 'typing', id: 't2', conv_id: direct.id }));
  t.match(await sc.next((f) => f.id === 't2'), { t: 'error', error: { code: 'SB_NOT_MEMBER' } }, 'an outsider cannot type into a conversation');
  sc.ws.send(JSON.stringify({ t: 'typing', id: 't3', conv_id: 'x' }));
  t.match(await sc.next((f) => f.id === 't3'), { t: 'error', error: { code: 'SB_VALIDATION' } }, 'a bad conversation id is refused');
  t.same(await b.api.call('msg.typing', { conv_id: direct.id }), { sent: true }, 'over HTTP too');
  t.equal(await codeOf(c.api.call('msg.typing', { conv_id: direct.id })), 'SB_NOT_MEMBER');
  const history = await b.api.call('msg.history', { conv_id: direct.id });
  t.equal(history.messages.length, 0, 'nothing was stored');

  const many = await Promise.all(Array.from({ length: 50 }, (_, i) => makeUser(server, `M${i}`)));
  const big = await a.api.call('conv.group', { title: '全员群', member_ids: [b.user.id, ...many.map((m) => m.user.id)], cmid: 'big-group-1' });
  t.same(await a.api.call('msg.typing', { conv_id: big.id }), { sent: false }, 'a group of more than 50 gets no typing hints');
  const small = await a.api.call('conv.group', { title: '小组', member_ids: [b.user.id, c.user.id], cmid: 'small-group-1' });
  sa.ws.send(JSON.stringify({ t: 'typing', conv_id: small.id }));
  await sc.next((f) => f.t === 'event' && f.event.type === 'typing' && f.event.conv_id === small.id);
  t.pass('a small group hears it');
});
