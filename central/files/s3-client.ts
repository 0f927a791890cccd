import { createHash } from 'node:crypto';
import { EMPTY_SHA256, sha256Hex, signS3, uriEncode, type SigV4Credentials } from './sigv4.js';

/**
 * The few S3 operations the file origin needs, over fetch with SigV4. Works with
 * AWS S3 and S3-compatible servers (MinIO, Ceph RGW, …). Any answer other than
 * the expected one throws an S3Error; only the callers decide what "not found" means.
 */
export interface S3ClientOptions {
  /** e.g. https://s3.eu-central-1.amazonaws.com or http://minio.hq:9000 */
  endpoint: string;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** true: endpoint/bucket/key (MinIO and most self-hosted servers); false: bucket.endpoint/key. */
  forcePathStyle: boolean;
  requestTimeoutMs: number;
}

export class S3Error extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
    this.name = 'S3Error';
  }
}

export interface ListedObject { key: string; size: number }

function unescapeXml(s: string): string {
  return s.replace(/&(lt|gt|quot|apos|amp|#(\d+)|#x([0-9a-fA-F]+));/g, (_m, name: string, dec?: string, hex?: string) => {
    if (dec) return String.fromCodePoint(Number(dec));
    if (hex) return String.fromCodePoint(parseInt(hex, 16));
    return ({ lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' } as Record<string, string>)[name]!;
  });
}

/** The text of every <name>…</name> in `xml` (S3's answers are flat enough for this). */
function xmlAll(xml: string, name: string): string[] {
  return [...xml.matchAll(new RegExp(`<${name}>([\\s\\S]*?)</${name}>`, 'g'))].map((m) => m[1]!);
}

function xmlOne(xml: string, name: string): string | null {
  const v = xmlAll(xml, name)[0];
  return v === undefined ? null : unescapeXml(v);
}

function escapeXml(s: string): string {
  return s.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' } as Record<string, string>)[c]!);
}

const ATTEMPTS = 3;
const RETRY_MS = 100;
const RETRY_STATUS = new Set([500, 502, 503, 504]);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const STATUS_CODES: Record<number, string> = { 301: 'PermanentRedirect', 400: 'BadRequest', 403: 'Forbidden', 404: 'NotFound', 405: 'MethodNotAllowed', 416: 'InvalidRange', 500: 'InternalError', 503: 'ServiceUnavailable' };

export class S3Client {
  private readonly creds: SigV4Credentials;
  private readonly base: URL;

  constructor(private readonly opts: S3ClientOptions) {
    this.creds = { accessKeyId: opts.accessKeyId, secretAccessKey: opts.secretAccessKey, region: opts.region, service: 's3' };
    this.base = new URL(opts.endpoint);
    if (!/^https?:$/.test(this.base.protocol)) throw new Error(`S3 endpoint must be http(s): ${opts.endpoint}`);
  }

  /** The URL of `key` (null: the bucket itself), query parameters sorted and encoded as SigV4 signs them. */
  url(key: string | null, query: Record<string, string> = {}): URL {
    const path = key === null ? '' : key.split('/').map(uriEncode).join('/');
    const u = new URL(this.base);
    const basePath = u.pathname.replace(/\/+$/, '');
    // The bucket itself has no trailing slash path-style: servers sign '/bucket', not '/bucket/'.
    if (this.opts.forcePathStyle) u.pathname = `${basePath}/${uriEncode(this.opts.bucket)}${key === null ? '' : `/${path}`}`;
    else { u.hostname = `${this.opts.bucket}.${u.hostname}`; u.pathname = `${basePath}/${path}`; }
    u.search = Object.keys(query).sort().map((k) => `${uriEncode(k)}=${uriEncode(query[k]!)}`).join('&');
    return u;
  }

  /**
   * One signed request. S3 asks clients to retry 500 and 503 (SlowDown), and a pooled
   * connection may have been closed by the server: those are tried up to three times.
   * Every request here may be repeated safely (a repeated "start multipart" only leaves
   * an unused upload behind). A timeout is not retried: it has used its time.
   */
  private async send(method: string, key: string | null, opts: { query?: Record<string, string>; headers?: Record<string, string>; body?: Buffer } = {}): Promise<Response> {
    const url = this.url(key, opts.query);
    const body = opts.body;
    const payloadHash = body ? sha256Hex(body) : EMPTY_SHA256;
    for (let attempt = 1; ; attempt++) {
      const last = attempt === ATTEMPTS;
      let res: Response;
      try {
        res = await fetch(url, {
          method,
          headers: signS3({ method, url, headers: opts.headers, payloadHash }, this.creds),
          body: body ? new Uint8Array(body.buffer as ArrayBuffer, body.byteOffset, body.byteLength) : undefined, // Buffers sit on an ArrayBuffer, never a SharedArrayBuffer
          signal: AbortSignal.timeout(this.opts.requestTimeoutMs),
          redirect: 'manual', // a redirect means the wrong region or endpoint: report it, do not follow unsigned
        });
      } catch (e) {
        const timeout = (e as Error).name === 'TimeoutError';
        if (!timeout && !last) { await sleep(RETRY_MS * attempt); continue; }
        const cause = (e as { cause?: Error }).cause;
        throw new S3Error(0, timeout ? 'Timeout' : 'NetworkError', `S3 ${method} ${url.pathname}: ${(e as Error).message}${cause ? ` (${cause.message})` : ''}`);
      }
      if (!RETRY_STATUS.has(res.status) || last) return res;
      await res.arrayBuffer().catch(() => {}); // drains the body only so the socket is reused
      await sleep(RETRY_MS * attempt);
    }
  }

  private async failure(res: Response, what: string): Promise<S3Error> {
    const text = await res.text().catch(() => ''); // no body: the HTTP status names the failure
    const code = xmlOne(text, 'Code') ?? STATUS_CODES[res.status] ?? `HTTP${res.status}`;
    const message = xmlOne(text, 'Message');
    return new S3Error(res.status, code, `S3 ${what}: ${res.status} ${code}${message ? `: ${message}` : ''}`);
  }

  private async expectOk(res: Response, what: string): Promise<Response> {
    if (res.ok) return res;
    throw await this.failure(res, what);
  }

  /** The object's size, or null if there is no such key. HEAD has no body, so a 404 cannot name its reason. */
  async head(key: string): Promise<{ size: number } | null> {
    const res = await this.send('HEAD', key);
    if (res.status === 404) return null;
    await this.expectOk(res, `HEAD ${key}`);
    return { size: Number(res.headers.get('content-length') ?? 0) };
  }

  /** The whole object, or null if there is no such key (a missing bucket throws). */
  async get(key: string): Promise<Buffer | null> {
    const res = await this.send('GET', key);
    if (res.status === 404) {
      const err = await this.failure(res, `GET ${key}`);
      if (err.code === 'NoSuchBucket') throw err;
      return null;
    }
    await this.expectOk(res, `GET ${key}`);
    return Buffer.from(await res.arrayBuffer());
  }

  /** Bytes [start, end] of the object; empty when start is at or past its end; null if there is no such key. */
  async getRange(key: string, start: number, end: number): Promise<Buffer | null> {
    const res = await this.send('GET', key, { headers: { range: `bytes=${start}-${end}` } });
    if (res.status === 404) {
      const err = await this.failure(res, `GET ${key}`);
      if (err.code === 'NoSuchBucket') throw err;
      return null;
    }
    if (res.status === 416) { await res.arrayBuffer(); return Buffer.alloc(0); }
    await this.expectOk(res, `GET ${key} (range)`);
    const bytes = Buffer.from(await res.arrayBuffer());
    // A server that ignores Range answers 200 with the whole object.
    return res.status === 206 ? bytes : bytes.subarray(start, end + 1);
  }

  async put(key: string, body: Buffer): Promise<void> {
    const res = await this.expectOk(await this.send('PUT', key, { body }), `PUT ${key}`);
    await res.arrayBuffer();
  }

  /** Every key under `prefix` (or the first `maxKeys`), in key order, with its size (ListObjectsV2, page by page). */
  async list(prefix: string, maxKeys?: number): Promise<ListedObject[]> {
    const out: ListedObject[] = [];
    let token: string | null = null;
    do {
      const query: Record<string, string> = { 'list-type': '2', prefix };
      if (maxKeys) query['max-keys'] = String(maxKeys);
      if (token) query['continuation-token'] = token;
      const res = await this.expectOk(await this.send('GET', null, { query }), `list ${prefix}`);
      const xml = await res.text();
      for (const c of xmlAll(xml, 'Contents')) out.push({ key: xmlOne(c, 'Key') ?? '', size: Number(xmlOne(c, 'Size') ?? 0) });
      token = !maxKeys && xmlOne(xml, 'IsTruncated') === 'true' ? xmlOne(xml, 'NextContinuationToken') : null;
    } while (token);
    return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  /** DeleteObjects, 1,000 keys a request; deleting a missing key is not an error. */
  async deleteMany(keys: string[]): Promise<void> {
    for (let i = 0; i < keys.length; i += 1000) {
      const xml = `<Delete><Quiet>true</Quiet>${keys.slice(i, i + 1000).map((k) => `<Object><Key>${escapeXml(k)}</Key></Object>`).join('')}</Delete>`;
      const body = Buffer.from(xml);
      // S3 requires an integrity header on this request.
      const headers = { 'content-md5': createHash('md5').update(body).digest('base64'), 'content-type': 'application/xml' };
      const res = await this.expectOk(await this.send('POST', null, { query: { delete: '' }, headers, body }), 'delete objects');
      const errors = xmlAll(await res.text(), 'Error');
      if (errors.length) throw new S3Error(200, xmlOne(errors[0]!, 'Code') ?? 'DeleteError', `S3 delete objects: ${errors.length} not deleted, e.g. ${xmlOne(errors[0]!, 'Key')}: ${xmlOne(errors[0]!, 'Code')}`);
    }
  }

  async createMultipart(key: string): Promise<string> {
    const res = await this.expectOk(await this.send('POST', key, { query: { uploads: '' } }), `start multipart ${key}`);
    const id = xmlOne(await res.text(), 'UploadId');
    if (!id) throw new S3Error(res.status, 'MalformedResponse', `S3 start multipart ${key}: no UploadId in the answer`);
    return id;
  }

  /** Returns the part's ETag, which completing the upload needs. */
  async uploadPart(key: string, uploadId: string, partNumber: number, body: Buffer): Promise<string> {
    const res = await this.expectOk(await this.send('PUT', key, { query: { partNumber: String(partNumber), uploadId }, body }), `upload part ${partNumber} of ${key}`);
    await res.arrayBuffer();
    const etag = res.headers.get('etag');
    if (!etag) throw new S3Error(res.status, 'MalformedResponse', `S3 upload part ${partNumber} of ${key}: no ETag in the answer`);
    return etag;
  }

  async completeMultipart(key: string, uploadId: string, etags: string[]): Promise<void> {
    const xml = `<CompleteMultipartUpload>${etags.map((e, i) => `<Part><PartNumber>${i + 1}</PartNumber><ETag>${escapeXml(e)}</ETag></Part>`).join('')}</CompleteMultipartUpload>`;
    const res = await this.expectOk(await this.send('POST', key, { query: { uploadId }, headers: { 'content-type': 'application/xml' }, body: Buffer.from(xml) }), `complete multipart ${key}`);
    // S3 may answer 200 and still report an error in the body.
    const text = await res.text();
    if (/<Error>/.test(text)) throw new S3Error(200, xmlOne(text, 'Code') ?? 'InternalError', `S3 complete multipart ${key}: ${xmlOne(text, 'Code')}: ${xmlOne(text, 'Message') ?? ''}`);
  }

  async abortMultipart(key: string, uploadId: string): Promise<void> {
    const res = await this.send('DELETE', key, { query: { uploadId } });
    if (res.status === 404) { await res.arrayBuffer(); return; } // already gone
    await (await this.expectOk(res, `abort multipart ${key}`)).arrayBuffer();
  }
}
