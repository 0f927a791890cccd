import t from 'tap';
import { randomBytes, createHash } from 'node:crypto';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { client, makeUser, startServer } from '../helpers/server.js';
import type { FileBody } from '../../shared/protocol/types.js';

async function health(url: string) {
  return (await (await fetch(`${url}/healthz`)).json()) as { files: { cache_hits: number; origin_fetches: number } };
}

t.test('files go through the relay cache; a second download does not reach central', async (t) => {
  const server = await startServer();
  t.teardown(() => server.stop());
  const alice = await makeUser(server, 'Alice');
  const bob = await makeUser(server, 'Bob');
  const carol = await makeUser(server, 'Carol');
  const a = client(server.url, alice.token);
  t.teardown(() => a.stop());
  await a.start();
  const conv = await a.openDirect(bob.user.id);

  const bytes = randomBytes(1_300_000); // several parts of 512 KiB
  const sha = createHash('sha256').update(bytes).digest('hex');
  const msg = await a.sendFile(conv.id, '报告 2026.pdf', 'application/pdf', bytes);
  t.equal(msg.kind, 'file');
  const body = msg.body as FileBody;
  t.equal(body.file.sha256, sha);
  t.equal(body.file.name, '报告 2026.pdf');

  // Drop the relay's copy so the next download must fetch from the origin.
  const cacheDir = join(server.dataDir, 'relay-cache');
  for (const f of readdirSync(cacheDir)) if (/^[0-9a-f]{64}$/.test(f)) rmSync(join(cacheDir, f));
  const before = await health(server.url);
  const first = await bob.api.download(body.file.id);
  t.equal(createHash('sha256').update(first).digest('hex'), sha, 'bob gets the exact bytes');
  const mid = await health(server.url);
  t.equal(mid.files.origin_fetches - before.files.origin_fetches, 1, 'first download fetched from central once');
  const second = await bob.api.download(body.file.id);
  t.equal(second.length, bytes.length);
  const after = await health(server.url);
  t.equal(after.files.origin_fetches, mid.files.origin_fetches, 'second download did not reach central');
  t.equal(after.files.cache_hits - mid.files.cache_hits, 1, 'served from the relay cache');

  await t.rejects(carol.api.download(body.file.id), { code: 'SB_NOT_FOUND' }, 'a non-member cannot download');
  await t.rejects(carol.api.call('msg.send', { conv_id: conv.id, cmid: 'x1', body: { file_id: body.file.id } }), { code: 'SB_NOT_FOUND' }, 'nothing is sent with a file the sender cannot see');
  await t.rejects(carol.api.call('msg.send', { conv_id: (await carol.api.call('conv.direct', { user_id: bob.user.id })).id, cmid: 'x2', body: { file_id: body.file.id } }),
    { code: 'SB_NOT_FOUND' }, 'cannot share a file one has no access to');

  // The same content uploaded again is stored once at the origin.
  await alice.api.upload('copy.bin', 'application/octet-stream', bytes);
  const originFiles = readdirSync(join(server.dataDir, 'files'), { recursive: true }).filter((p) => String(p).endsWith(sha));
  t.equal(originFiles.length, 1, 'content-addressed: one copy at the origin');
});

t.test('file policy: size limit and blocked types give coded errors and store nothing', async (t) => {
  const server = await startServer({ files: { maxBytes: 1000, blockedExtensions: ['exe'] } });
  t.teardown(() => server.stop());
  const alice = await makeUser(server);
  await t.rejects(alice.api.upload('big.bin', 'application/octet-stream', randomBytes(5000)), { code: 'SB_FRAME_TOO_LARGE' });
  await t.rejects(alice.api.upload('setup.exe', 'application/octet-stream', randomBytes(10)), { code: 'SB_FORBIDDEN' });
  const ok = await alice.api.upload('a.txt', 'text/plain', Buffer.from('hello'));
  t.equal(ok.id, 1, 'the first stored file is the first accepted one: the refused uploads created nothing');
  await t.rejects(fetch(`${server.url}/api/v1/files/1`).then(async (r) => { if (!r.ok) throw (await r.json()).error; }), { code: 'SB_UNAUTHENTICATED' });
});

t.test('a relay cut off from central still serves files it has cached', async (t) => {
  const server = await startServer();
  t.teardown(() => server.stop());
  const alice = await makeUser(server);
  const bob = await makeUser(server);
  const conv = await alice.api.call('conv.direct', { user_id: bob.user.id });
  const file = await alice.api.upload('notes.txt', 'text/plain', Buffer.from('会议纪要'));
  await alice.api.call('msg.send', { conv_id: conv.id, cmid: 'f1', body: { file_id: file.id } });
  await bob.api.download(file.id); // bob's grant and the bytes are now at the relay

  await server.node.central!.stop(); // central goes away; the relay stays up
  const got = await bob.api.download(file.id);
  t.equal(Buffer.from(got).toString(), '会议纪要', 'served from the relay while central is unreachable');
  await t.rejects(alice.api.call('conv.list'), { code: 'SB_CENTRAL_UNAVAILABLE' }, 'data calls say plainly that central is unreachable');
});
