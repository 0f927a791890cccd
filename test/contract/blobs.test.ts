import t from 'tap';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DiskBlobStore } from '../../central/files/disk-blobs.js';
import { BlobSealer, BLOB_MAGIC } from '../../central/at-rest/blob-sealer.js';
import { S3BlobStore } from '../../central/files/s3-blobs.js';
import { freePort } from '../helpers/process.js';
import { startS3, type TestS3 } from '../helpers/s3-server.js';
import { blobContract } from './blobs.js';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

t.test('DiskBlobStore', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'sb-blobs-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  const files = (dir: string): string[] => readdirSync(dir).flatMap((n) => {
    const full = join(dir, n);
    return statSync(full).isDirectory() ? files(full).map((f) => `${n}/${f}`) : [n];
  });
  blobContract(t, async () => ({ a: new DiskBlobStore(root), b: new DiskBlobStore(root), names: async () => files(root) }));
});

t.test('DiskBlobStore, sealed (encryption at rest)', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'sb-blobs-sealed-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  const key = randomBytes(32);
  const sealer = () => new BlobSealer(async () => key);
  const files = (dir: string): string[] => readdirSync(dir).flatMap((n) => {
    const full = join(dir, n);
    return statSync(full).isDirectory() ? files(full).map((f) => `${n}/${f}`) : [n];
  });
  blobContract(t, async () => ({ a: new DiskBlobStore(root, sealer()), b: new DiskBlobStore(root, sealer()), names: async () => files(root) }));
  t.test('what is on disk is sealed; ranges across chunks open; plaintext blobs of before still read', async (t) => {
    const store = new DiskBlobStore(root, sealer());
    const data = randomBytes(200_000);
    const h = sha(data);
    await store.writePart('sealedA', 0, data.subarray(0, 70_000));
    const part = readFileSync(join(root, 'tmp', 'sealedA', '0000000000000000'));
    t.notOk(part.includes(data.subarray(0, 32)), 'a waiting part is sealed');
    await store.writePart('sealedA', 70_000, data.subarray(70_000));
    t.equal(await store.finish('sealedA', h, data.length), true);
    const disk = readFileSync(join(root, h.slice(0, 2), h.slice(2, 4), h));
    t.ok(disk.subarray(0, BLOB_MAGIC.length).equals(BLOB_MAGIC));
    for (let i = 0; i + 32 <= data.length; i += 4096) if (disk.includes(data.subarray(i, i + 32))) { t.fail(`plaintext at ${i}`); break; }
    t.same(await store.read(h, 65_000, 70_000), data.subarray(65_000, 135_000), 'a range over three chunks');
    t.same(await store.read(h, 0, 300_000), data, 'the whole');
    t.same(await store.read(h, 199_990, 100), data.subarray(199_990), 'the end');
    t.same(await new DiskBlobStore(root, new BlobSealer(async () => randomBytes(32))).read(h, 0, 10).catch((e: Error) => e.message), 'Unsupported state or unable to authenticate data', 'another key opens nothing');
    const plain = randomBytes(1000);
    const ph = sha(plain);
    await new DiskBlobStore(root).writePart('plainB', 0, plain);
    await new DiskBlobStore(root).finish('plainB', ph, plain.length);
    t.same(await store.read(ph, 10, 20), plain.subarray(10, 30), 'a blob stored before is read as it is');
  });
});

const s3: TestS3 = await startS3();
t.teardown(() => s3.stop());
const keysUnder = async (prefix: string) => (await s3.keys(prefix)).map((k) => k.slice(prefix.length)).sort();

t.test('S3BlobStore, each file in one PUT', async (t) => {
  const origin = s3.origin({ prefix: 'single' });
  blobContract(t, async () => ({ a: await S3BlobStore.open(origin), b: await S3BlobStore.open(origin), names: () => keysUnder('single/') }));
});

t.test('S3BlobStore, files in multipart uploads of 1,000-byte parts', async (t) => {
  const origin = { ...s3.origin({ prefix: 'multi/' }), partBytes: 1000 };
  blobContract(t, async () => ({ a: await S3BlobStore.open(origin), b: await S3BlobStore.open(origin), names: () => keysUnder('multi/') }));
});

t.test('S3BlobStore, sealed (encryption at rest), in multipart uploads of 1,000-byte parts', async (t) => {
  const origin = { ...s3.origin({ prefix: 'sealed/' }), partBytes: 1000 };
  const key = randomBytes(32);
  const open = () => S3BlobStore.open(origin, new BlobSealer(async () => key));
  blobContract(t, async () => ({ a: await open(), b: await open(), names: () => keysUnder('sealed/') }));
  t.test('what is in the bucket is sealed', async (t) => {
    const store = new S3BlobStore(origin, new BlobSealer(async () => key));
    const data = randomBytes(150_000);
    const h = sha(data);
    await store.writePart('s3sealed', 0, data);
    t.equal(await store.finish('s3sealed', h, data.length), true);
    const stored = await s3.fetchObject(`sealed/blobs/${h.slice(0, 2)}/${h.slice(2, 4)}/${h}`);
    t.ok(stored!.subarray(0, BLOB_MAGIC.length).equals(BLOB_MAGIC), 'stored sealed under its hash');
    t.notOk(stored!.includes(data.subarray(1000, 1032)), 'without its plaintext');
    t.same(await store.read(h, 60_000, 80_000), data.subarray(60_000, 140_000), 'a range across chunks');
  });
});

t.test('S3 layout: parts under uploads/, the file under blobs/ab/cd/<sha256>, readable by any S3 client', async (t) => {
  const store = await S3BlobStore.open(s3.origin({ prefix: 'layout' }));
  const data = randomBytes(3000);
  const h = sha(data);
  await store.writePart('u1', 2000, data.subarray(2000));
  await store.writePart('u1', 0, data.subarray(0, 2000));
  t.same(await keysUnder('layout/'), ['uploads/u1/0000000000000000', 'uploads/u1/0000000000002000']);
  t.equal(await store.finish('u1', h, data.length), true);
  t.same(await keysUnder('layout/'), [`blobs/${h.slice(0, 2)}/${h.slice(2, 4)}/${h}`]);
  t.same(await s3.fetchObject(`layout/blobs/${h.slice(0, 2)}/${h.slice(2, 4)}/${h}`), data, 'the stored object, fetched without our client');
});

t.test('S3 multipart: used above the part size, completed only when the hash matches', async (t) => {
  const requests: string[] = [];
  const realFetch = globalThis.fetch;
  globalThis.fetch = (input, init) => { requests.push(`${init?.method ?? 'GET'} ${String(input)}`); return realFetch(input, init); };
  t.teardown(() => { globalThis.fetch = realFetch; });
  const store = await S3BlobStore.open({ ...s3.origin({ prefix: 'mp' }), partBytes: 4096 });
  const data = randomBytes(10_500); // parts of 1,000 bytes arrive
  for (let o = 0; o < data.length; o += 1000) await store.writePart('good', o, data.subarray(o, o + 1000));
  t.equal(await store.finish('good', sha(data), data.length), true);
  t.equal(requests.filter((r) => r.startsWith('POST') && r.endsWith('?uploads=')).length, 1, 'one multipart upload');
  t.equal(requests.filter((r) => r.startsWith('PUT') && r.includes('partNumber=')).length, 3, '5,000 + 5,000 (flushed on reaching 4,096) + the last 500 bytes');
  t.same(await store.read(sha(data), 0, data.length), data);

  for (let o = 0; o < data.length; o += 1000) await store.writePart('bad', o, data.subarray(o, o + 1000));
  const wrong = sha(Buffer.from('not this'));
  t.equal(await store.finish('bad', wrong, data.length), false, 'the hash does not match');
  t.equal(await store.has(wrong), false, 'the started multipart upload never became an object');
  t.same((await keysUnder('mp/')).filter((k) => !k.endsWith(sha(data))), [], 'no parts left');
});

t.test('S3 errors throw; nothing reads as "missing" that is not', async (t) => {
  const good = await S3BlobStore.open(s3.origin({ prefix: 'errors' }));
  const data = Buffer.from('stored');
  await good.writePart('e1', 0, data);
  await good.finish('e1', sha(data), data.length);

  const wrongSecret = new S3BlobStore(s3.origin({ prefix: 'errors', secretAccessKey: 'not-the-secret' }));
  await t.rejects(wrongSecret.has(sha(data)), { status: 403, code: 'Forbidden' }, 'has (HEAD answers carry no body, so no S3 code)');
  await t.rejects(wrongSecret.read(sha(data), 0, 10), { status: 403, code: 'SignatureDoesNotMatch' }, 'read');
  await t.rejects(wrongSecret.read(sha(Buffer.from('absent')), 0, 10), { status: 403, code: 'SignatureDoesNotMatch' }, 'read of an absent blob is still an error');
  await t.rejects(wrongSecret.writePart('e2', 0, data), { status: 403, code: 'SignatureDoesNotMatch' }, 'writePart');
  await t.rejects(wrongSecret.finish('e1', sha(data), data.length), { status: 403, code: 'SignatureDoesNotMatch' }, 'finish');
  await t.rejects(S3BlobStore.open(s3.origin({ secretAccessKey: 'not-the-secret' })), { code: 'SignatureDoesNotMatch' }, 'open checks the credentials');
  await t.rejects(S3BlobStore.open(s3.origin({ accessKeyId: 'NOBODY' })), { code: 'InvalidAccessKeyId' }, 'open checks the key id');

  const noBucket = new S3BlobStore(s3.origin({ bucket: 'no-such-bucket' }));
  await t.rejects(noBucket.read(sha(data), 0, 10), { status: 404, code: 'NoSuchBucket' }, 'a missing bucket is not a missing blob');
  await t.rejects(S3BlobStore.open(s3.origin({ bucket: 'no-such-bucket' })), { code: 'NoSuchBucket' }, 'open checks the bucket');

  const closedPort = await freePort();
  const unreachable = new S3BlobStore(s3.origin({ endpoint: `http://127.0.0.1:${closedPort}` }));
  await t.rejects(unreachable.has(sha(data)), { code: 'NetworkError' }, 'connection refused');

  const sockets = new Set<Socket>();
  const silent = createServer((sock) => { sockets.add(sock); }); // accepts, never answers
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  t.teardown(() => { for (const s of sockets) s.destroy(); silent.close(); });
  const port = (silent.address() as { port: number }).port;
  const slow = new S3BlobStore(s3.origin({ endpoint: `http://127.0.0.1:${port}`, requestTimeoutMs: 300 }));
  const started = Date.now();
  await t.rejects(slow.read(sha(data), 0, 10), { code: 'Timeout' }, 'a server that does not answer');
  t.ok(Date.now() - started < 3_000, 'within the configured timeout');

  t.throws(() => new S3BlobStore(s3.origin({ secretAccessKey: null })), /SWITCHBOARD_S3_SECRET_ACCESS_KEY/, 'a missing secret is a configuration error');
});
