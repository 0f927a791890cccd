import t from 'tap';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { makeUser, startServer, type TestServer } from '../helpers/server.js';
import { startS3 } from '../helpers/s3-server.js';

t.test('an all-in-one node keeping its file origin in S3: upload, download, one object under the hash', async (t) => {
  const s3 = await startS3();
  let server: TestServer | null = null;
  t.teardown(async () => { await server?.stop(); await s3.stop(); });
  server = await startServer({ files: { origin: s3.origin({ prefix: 'switchboard/' }) } });
  const alice = await makeUser(server, 'Alice');
  const bob = await makeUser(server, 'Bob');
  const conv = await alice.api.call('conv.direct', { user_id: bob.user.id });

  const bytes = randomBytes(1_300_000); // three parts of at most 512 KiB on their way to central
  const sha = createHash('sha256').update(bytes).digest('hex');
  const file = await alice.api.upload('季度报告.pdf', 'application/pdf', bytes);
  t.equal(file.sha256, sha);
  await alice.api.call('msg.send', { conv_id: conv.id, cmid: 's3-1', body: { file_id: file.id } });

  const key = `switchboard/blobs/${sha.slice(0, 2)}/${sha.slice(2, 4)}/${sha}`;
  t.same(await s3.keys('switchboard/'), [key], 'one object, under its hash; no upload parts left');
  const stored = await s3.fetchObject(key);
  t.ok(stored!.subarray(0, 8).equals(Buffer.from('SBEBLOB1')) && !stored!.includes(bytes.subarray(0, 32)), 'the object holds the file sealed (encryption at rest)');
  t.notOk(existsSync(join(server.dataDir, 'files')), 'nothing at the disk origin');

  // Drop the relay's copy so the download must come from the origin.
  const cacheDir = join(server.dataDir, 'relay-cache');
  for (const f of readdirSync(cacheDir)) if (/^[0-9a-f]{64}$/.test(f)) rmSync(join(cacheDir, f));
  const got = await bob.api.download(file.id);
  t.equal(createHash('sha256').update(got).digest('hex'), sha, 'bob gets the exact bytes, read from S3 in ranges');
  t.equal(got.length, bytes.length);

  const again = await bob.api.upload('copy.pdf', 'application/pdf', bytes);
  t.not(again.id, file.id, 'a file record of its own');
  t.same(await s3.keys('switchboard/'), [key], 'the same content is stored once');
});

t.test('a node whose S3 credentials are wrong does not start', async (t) => {
  const s3 = await startS3();
  t.teardown(() => s3.stop());
  await t.rejects(startServer({ files: { origin: s3.origin({ secretAccessKey: 'not-the-secret' }) } }), { code: 'SignatureDoesNotMatch' });
});
