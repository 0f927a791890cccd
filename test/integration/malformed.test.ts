import t from 'tap';
import { client, makeUser, rawSocket, startServer, waitFor } from '../helpers/server.js';

/** Each bad input gets its coded error, nothing is stored, and other users notice nothing. */
t.test('bad WebSocket frames', async (t) => {
  const server = await startServer({ limits: { framesPerSecond: 20, frameBurst: 40 } });
  t.teardown(() => server.stop());
  const [ann, ben] = await Promise.all([makeUser(server, 'Ann'), makeUser(server, 'Ben')]);
  const conv = await ann.api.call('conv.direct', { user_id: ben.user.id });
  const bystander = client(server.url, ben.token);
  t.teardown(() => bystander.stop());
  await bystander.start();
  const lastSeq = async () => (await ann.api.call('conv.get', { conv_id: conv.id })).last_seq;

  const early = await rawSocket(server.url);
  early.ws.send(JSON.stringify({ t: 'send', id: 'e', conv_id: conv.id, cmid: 'early', body: { text: 'x' } }));
  t.equal((await early.next((f) => f.id === 'e')).error.code, 'SB_NOT_READY', 'send before auth');
  early.ws.send(JSON.stringify({ t: 'auth', token: 'garbage-token-garbage-token' }));
  t.equal((await early.next((f) => f.t === 'error' && f.id === undefined && f.error.code !== 'SB_NOT_READY')).error.code, 'SB_UNAUTHENTICATED', 'wrong token');
  t.equal((await early.closed).code, 4001, 'then the socket is closed with 4001');

  const s = await rawSocket(server.url);
  s.ws.send(JSON.stringify({ t: 'auth', token: ann.token }));
  await s.next((f) => f.t === 'ready');
  const expect = async (payload: string | Buffer, code: string, what: string, binary = false) => {
    const mark = s.frames.length;
    s.ws.send(payload, { binary });
    const f = await s.next((x) => x.t === 'error' && s.frames.indexOf(x) >= mark);
    t.equal(f.error.code, code, what);
  };
  await expect('{not json', 'SB_BAD_FRAME', 'malformed JSON');
  await expect('[1,2,3]', 'SB_BAD_FRAME', 'JSON that is not an object');
  await expect(Buffer.from([1, 2, 3]), 'SB_BAD_FRAME', 'binary frame', true);
  await expect(JSON.stringify({ t: 'send', id: 'big', conv_id: conv.id, cmid: 'big', body: { text: 'x'.repeat(70_000) } }), 'SB_FRAME_TOO_LARGE', 'frame over 64 KiB');
  await expect(JSON.stringify({ t: 'teleport' }), 'SB_UNKNOWN_TYPE', 'unknown type');
  await expect(JSON.stringify({ t: 'send', id: 'v1', conv_id: conv.id, cmid: 'has spaces', body: { text: 'x' } }), 'SB_VALIDATION', 'bad cmid');
  await expect(JSON.stringify({ t: 'send', id: 'v2', conv_id: conv.id, cmid: 'ok1', body: { text: '   ' } }), 'SB_VALIDATION', 'blank text');
  await expect(JSON.stringify({ t: 'send', id: 'v3', conv_id: 'abc', cmid: 'ok2', body: { text: 'x' } }), 'SB_VALIDATION', 'conv_id not a number');
  await expect(JSON.stringify({ t: 'send', id: 'v4', conv_id: conv.id, cmid: 'ok3' }), 'SB_VALIDATION', 'missing body');
  await expect(JSON.stringify({ t: 'send', id: 'v5', conv_id: conv.id, cmid: 'ok4', body: { text: 'x'.repeat(10_001) } }), 'SB_VALIDATION', 'text over the limit');
  await expect(JSON.stringify({ t: 'read', id: 'r1', conv_id: conv.id, seq: 99 }), 'SB_VALIDATION', 'read beyond the last message');
  t.equal(await lastSeq(), 0, 'nothing was stored');

  // A flood: errors first, then the connection is closed; the other user never notices.
  for (let i = 0; i < 300; i++) s.ws.send(JSON.stringify({ t: 'ping' }));
  const limited = await s.next((f) => f.t === 'error' && f.error.code === 'SB_RATE_LIMITED');
  t.ok(limited, 'flooding gets SB_RATE_LIMITED');
  t.equal((await s.closed).code, 4029, 'persistent flooding closes the connection');
  const m = await ann.api.call('msg.send', { conv_id: conv.id, cmid: 'after', body: { text: 'still fine' } });
  t.ok(m, 'the server is still up');
  await waitFor(() => bystander.messages(conv.id).length === 1, 3000, 'the bystander gets the message');
  t.equal(bystander.connection, 'online', 'and was never disconnected');
});

t.test('bad HTTP requests', async (t) => {
  const server = await startServer();
  t.teardown(() => server.stop());
  const ann = await makeUser(server);
  const conv = await ann.api.call('conv.group', { title: 'g', member_ids: [1], cmid: 'g' });
  const req = async (method: string, path: string, body?: string | Buffer, token: string | null = ann.token) => {
    const r = await fetch(`${server.url}${path}`, { method, body: body as BodyInit | undefined, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), 'content-type': 'application/json' } });
    return { status: r.status, json: (await r.json()) as { error?: { code: string } } };
  };
  const cases: [string, string, string | Buffer | undefined, string | null, number, string][] = [
    ['POST', `/api/v1/conversations/${conv.id}/messages`, '{"cmid":', ann.token, 400, 'SB_BAD_FRAME'],
    ['POST', `/api/v1/conversations/${conv.id}/messages`, '[]', ann.token, 400, 'SB_BAD_FRAME'],
    ['POST', `/api/v1/conversations/${conv.id}/messages`, Buffer.alloc(1_100_000, 97), ann.token, 413, 'SB_FRAME_TOO_LARGE'],
    ['GET', '/api/v1/nowhere', undefined, ann.token, 404, 'SB_NOT_FOUND'],
    ['PATCH', '/api/v1/sync', '{}', ann.token, 400, 'SB_UNKNOWN_TYPE'],
    ['GET', '/api/v1/conversations', undefined, null, 401, 'SB_UNAUTHENTICATED'],
    ['GET', `/api/v1/conversations/${conv.id}/messages?limit=100000`, undefined, ann.token, 400, 'SB_VALIDATION'],
    ['POST', '/api/v1/conversations/group', '{"member_ids":"everyone"}', ann.token, 400, 'SB_VALIDATION'],
    ['POST', '/api/v1/auth/login', '{"account":"x"}', null, 400, 'SB_VALIDATION'],
  ];
  for (const [method, path, body, token, status, code] of cases) {
    const r = await req(method, path, body, token);
    t.equal(r.status, status, `${method} ${path.slice(0, 50)} → ${status}`);
    t.equal(r.json.error?.code, code, `… with ${code}`);
  }
  const page = await ann.api.call('msg.history', { conv_id: conv.id, after: 0 });
  t.same(page.messages.map((m) => m.kind), ['system'], 'only the creation is stored');
});
