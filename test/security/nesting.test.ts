import t from 'tap';
import type { ConversationView } from '../../shared/protocol/types.js';
import { MAX_JSON_DEPTH } from '../../relay/json.js';
import { makeUser, rawSocket, startServer } from '../helpers/server.js';

/**
 * Found by the fuzz suite (test/fuzz): a frame nested a few thousand levels deep parsed, then overflowed the
 * stack when the relay serialised it for central, and the whole msg.sendMany batch it was in failed with
 * SB_INTERNAL, the other sends of that event-loop turn included. Deep values are now refused at the relay.
 */
const deep = (levels: number) => `${'['.repeat(levels)}1${']'.repeat(levels)}`;

t.test('a deeply nested frame is refused on its own; the send beside it in the same batch is stored', async (t) => {
  const server = await startServer();
  t.teardown(() => server.stop());
  const [ann, ben] = await Promise.all([makeUser(server, 'Ann'), makeUser(server, 'Ben')]);
  const conv = await ann.api.callUnchecked<ConversationView>('conv.direct', { user_id: ben.user.id });
  const s = await rawSocket(server.url);
  t.teardown(() => s.ws.close());
  s.ws.send(JSON.stringify({ t: 'auth', token: ann.token }));
  await s.next((f) => f.t === 'ready');
  // Both frames in one write: the relay reads them in one turn and would batch the two sends.
  s.ws.send(`{"t":"send","id":"deep","conv_id":${conv.id},"cmid":"deep","body":{"text":${deep(5_000)}}}`);
  s.ws.send(JSON.stringify({ t: 'send', id: 'plain', conv_id: conv.id, cmid: 'plain', body: { text: 'hello' } }));
  const refused = await s.next((f) => f.id === 'deep');
  t.equal(refused.error?.code, 'SB_BAD_FRAME', 'the deep frame: SB_BAD_FRAME, with its id');
  const plain = await s.next((f) => f.id === 'plain');
  t.equal(plain.t, 'ack', 'the plain send is acknowledged');
  s.ws.send(`{"t":"send","id":"at-limit","conv_id":${conv.id},"cmid":"at-limit","body":{"text":${deep(MAX_JSON_DEPTH - 2)}}}`);
  t.equal((await s.next((f) => f.id === 'at-limit')).error?.code, 'SB_VALIDATION', `${MAX_JSON_DEPTH} levels in all still reach validation`);
  const stored = await ben.api.callUnchecked<ConversationView>('conv.get', { conv_id: conv.id });
  t.equal(stored.last_seq, 1, 'only the plain message was stored');
});

t.test('a deeply nested request body is SB_BAD_FRAME, not SB_INTERNAL', async (t) => {
  const server = await startServer();
  t.teardown(() => server.stop());
  const ann = await makeUser(server);
  const r = await fetch(`${server.url}/api/v1/conversations/group`, {
    method: 'POST', headers: { authorization: `Bearer ${ann.token}`, 'content-type': 'application/json' },
    body: `{"title":"g","member_ids":[],"cmid":"g1","extra":${deep(20_000)}}`,
  });
  t.equal(r.status, 400);
  t.equal((await r.json() as { error: { code: string } }).error.code, 'SB_BAD_FRAME');
  t.same((await ann.api.callUnchecked<ConversationView[]>('conv.list')).length, 0, 'no group was created');
});
