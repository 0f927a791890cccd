import t from 'tap';
import { authorization, canonicalRequest, EMPTY_SHA256, sha256Hex, signS3, uriEncode, type SigV4Credentials } from '../../central/files/sigv4.js';
import { S3Client } from '../../central/files/s3-client.js';

/**
 * The worked examples of AWS's S3 documentation ("Signature Calculations for the
 * Authorization Header: Transferring Payload in a Single Chunk"): each gives the
 * canonical request (checked here through its SHA-256, the last line of the string
 * to sign) and the signature.
 */
const EXAMPLE: SigV4Credentials = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', region: 'us-east-1', service: 's3' };
const HOST = 'examplebucket.s3.amazonaws.com';
const DATE = '20130524T000000Z';
const signature = (auth: string) => /Signature=([0-9a-f]{64})$/.exec(auth)?.[1];

const vectors: { name: string; method: string; url: string; headers: Record<string, string>; payloadHash: string; canonicalSha: string; signature: string }[] = [
  {
    name: 'GET Object, first 10 bytes',
    method: 'GET', url: `https://${HOST}/test.txt`,
    headers: { host: HOST, range: 'bytes=0-9', 'x-amz-content-sha256': EMPTY_SHA256, 'x-amz-date': DATE },
    payloadHash: EMPTY_SHA256,
    canonicalSha: '7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972',
    signature: 'f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41',
  },
  {
    name: 'PUT Object, a key with $ and a Date header',
    method: 'PUT', url: `https://${HOST}/test$file.text`,
    headers: {
      Host: HOST, Date: 'Fri, 24 May 2013 00:00:00 GMT', 'x-amz-date': DATE, 'x-amz-storage-class': 'REDUCED_REDUNDANCY',
      'x-amz-content-sha256': sha256Hex('Welcome to Amazon S3.'),
    },
    payloadHash: sha256Hex('Welcome to Amazon S3.'),
    canonicalSha: '9e0e90d9c76de8fa5b200d8c849cd5b8dc7a3be3951ddb7f6a76b4158342019d',
    signature: '98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd',
  },
  {
    name: 'GET Bucket Lifecycle, a parameter without a value',
    method: 'GET', url: `https://${HOST}/?lifecycle`,
    headers: { host: HOST, 'x-amz-content-sha256': EMPTY_SHA256, 'x-amz-date': DATE },
    payloadHash: EMPTY_SHA256,
    canonicalSha: '9766c798316ff2757b517bc739a67f6213b4ab36dd5da2f94eaebf79c77395ca',
    signature: 'fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543',
  },
  {
    name: 'GET Bucket (List Objects), parameters given out of order',
    method: 'GET', url: `https://${HOST}/?prefix=J&max-keys=2`,
    headers: { host: HOST, 'x-amz-content-sha256': EMPTY_SHA256, 'x-amz-date': DATE },
    payloadHash: EMPTY_SHA256,
    canonicalSha: 'df57d21db20da04d7fa30298dd4488ba3a2b47ca3a489c74750e0f1e7df1b9b7',
    signature: '34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7',
  },
];

for (const v of vectors) {
  t.test(`AWS example: ${v.name}`, async (t) => {
    const req = { method: v.method, url: new URL(v.url), headers: v.headers, payloadHash: v.payloadHash };
    t.equal(sha256Hex(canonicalRequest(req).canonical), v.canonicalSha, 'canonical request');
    t.equal(signature(authorization(req, EXAMPLE)), v.signature, 'signature');
  });
}

t.test('the GET Object example, canonical request and header in full', async (t) => {
  const req = { method: 'GET', url: new URL(`https://${HOST}/test.txt`), headers: vectors[0]!.headers, payloadHash: EMPTY_SHA256 };
  t.equal(canonicalRequest(req).canonical, [
    'GET', '/test.txt', '',
    `host:${HOST}`, 'range:bytes=0-9', `x-amz-content-sha256:${EMPTY_SHA256}`, `x-amz-date:${DATE}`, '',
    'host;range;x-amz-content-sha256;x-amz-date', EMPTY_SHA256,
  ].join('\n'));
  const headers = signS3({ method: 'GET', url: req.url, headers: { range: 'bytes=0-9' }, payloadHash: EMPTY_SHA256 }, EXAMPLE, new Date('2013-05-24T00:00:00Z'));
  t.same(headers, {
    range: 'bytes=0-9', 'x-amz-date': DATE, 'x-amz-content-sha256': EMPTY_SHA256,
    authorization: 'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41',
  }, 'what signS3 sends: host is signed but left to fetch');
});

t.test('every input changes the signature; a missing x-amz-date is refused', async (t) => {
  const v = vectors[0]!;
  const base = { method: v.method, url: new URL(v.url), headers: v.headers, payloadHash: v.payloadHash };
  const sig = (req = base, creds = EXAMPLE) => signature(authorization(req, creds));
  t.not(sig(base, { ...EXAMPLE, secretAccessKey: 'other' }), v.signature, 'secret');
  t.not(sig(base, { ...EXAMPLE, region: 'eu-central-1' }), v.signature, 'region');
  t.not(sig({ ...base, method: 'DELETE' }), v.signature, 'method');
  t.not(sig({ ...base, url: new URL(`https://${HOST}/test.txt2`) }), v.signature, 'key');
  t.not(sig({ ...base, headers: { ...v.headers, range: 'bytes=0-10' } }), v.signature, 'a signed header');
  t.not(sig({ ...base, payloadHash: sha256Hex('x') }), v.signature, 'payload');
  t.throws(() => authorization({ ...base, headers: { host: HOST } }, EXAMPLE), /x-amz-date/);
});

t.test('encoding: RFC 3986, slashes in query values, keys encoded once', async (t) => {
  t.equal(uriEncode("a b+c/d~e_f.g-h!'()*é"), 'a%20b%2Bc%2Fd~e_f.g-h%21%27%28%29%2A%C3%A9');
  const q = canonicalRequest({ method: 'GET', url: new URL('https://h/?prefix=uploads%2Fx%2F&list-type=2&continuation-token=a%2Bb%3D'), headers: { host: 'h', 'x-amz-date': DATE }, payloadHash: EMPTY_SHA256 });
  t.equal(q.canonical.split('\n')[2], 'continuation-token=a%2Bb%3D&list-type=2&prefix=uploads%2Fx%2F', 'sorted, encoded, + kept as +');
  const p = canonicalRequest({ method: 'GET', url: new URL('https://h/b/a%20b/%24x'), headers: { host: 'h', 'x-amz-date': DATE }, payloadHash: EMPTY_SHA256 });
  t.equal(p.canonical.split('\n')[1], '/b/a%20b/%24x', 'already-encoded segments are not encoded twice');
});

t.test('S3 URLs: path style, virtual-host style, an endpoint with a path', async (t) => {
  const opts = { endpoint: 'http://minio.hq:9000', bucket: 'sb-files', region: 'us-east-1', accessKeyId: 'k', secretAccessKey: 's', requestTimeoutMs: 1000 };
  const path = new S3Client({ ...opts, forcePathStyle: true });
  t.equal(path.url('blobs/ab/cd/abcd').href, 'http://minio.hq:9000/sb-files/blobs/ab/cd/abcd');
  t.equal(path.url(null, { prefix: 'uploads/u1/', 'list-type': '2' }).href, 'http://minio.hq:9000/sb-files?list-type=2&prefix=uploads%2Fu1%2F', 'the bucket has no trailing slash; query sorted');
  t.equal(path.url('a b/c+d').pathname, '/sb-files/a%20b/c%2Bd');
  const vhost = new S3Client({ ...opts, endpoint: 'https://s3.eu-central-1.amazonaws.com', forcePathStyle: false });
  t.equal(vhost.url('blobs/x').href, 'https://sb-files.s3.eu-central-1.amazonaws.com/blobs/x');
  t.equal(vhost.url(null, { uploads: '' }).href, 'https://sb-files.s3.eu-central-1.amazonaws.com/?uploads=');
  const behindProxy = new S3Client({ ...opts, endpoint: 'https://gw.example.com/s3/', forcePathStyle: true });
  t.equal(behindProxy.url('k').href, 'https://gw.example.com/s3/sb-files/k');
  t.throws(() => new S3Client({ ...opts, endpoint: 'ftp://x', forcePathStyle: true }), /http/);
});
