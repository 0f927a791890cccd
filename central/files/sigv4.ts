import { createHash, createHmac } from 'node:crypto';

/**
 * AWS Signature Version 4 for the Authorization header: enough for S3 and
 * S3-compatible servers, node:crypto only. The canonical request is built from
 * exactly the URL and headers that are sent, so what is signed is what travels.
 */
export interface SigV4Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  /** 's3' for object storage. */
  service: string;
}

export interface SignableRequest {
  method: string;
  url: URL;
  /** Every header to sign; must include `host` and `x-amz-date`. */
  headers: Record<string, string>;
  /** Hex SHA-256 of the body, or 'UNSIGNED-PAYLOAD'. */
  payloadHash: string;
}

export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** 20130524T000000Z */
export function amzDate(d: Date): string {
  return d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/** RFC 3986 encoding as SigV4 wants it: everything but A-Z a-z 0-9 - . _ ~ is %XX (upper case). */
export function uriEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function canonicalPath(url: URL): string {
  // S3 does not normalise paths: each segment is encoded once, as given.
  return url.pathname.split('/').map((seg) => uriEncode(decodeURIComponent(seg))).join('/') || '/';
}

function canonicalQuery(url: URL): string {
  if (url.search.length <= 1) return '';
  // Split by hand: URLSearchParams would read '+' as a space.
  return url.search.slice(1).split('&').filter(Boolean).map((pair) => {
    const eq = pair.indexOf('=');
    const [k, v] = eq < 0 ? [pair, ''] : [pair.slice(0, eq), pair.slice(eq + 1)];
    return [uriEncode(decodeURIComponent(k)), uriEncode(decodeURIComponent(v))] as const;
  }).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`).join('&');
}

export function canonicalRequest(req: SignableRequest): { canonical: string; signedHeaders: string } {
  const headers = Object.entries(req.headers)
    .map(([k, v]) => [k.toLowerCase(), String(v).trim().replace(/\s+/g, ' ')] as const)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const signedHeaders = headers.map(([k]) => k).join(';');
  const canonical = [
    req.method.toUpperCase(),
    canonicalPath(req.url),
    canonicalQuery(req.url),
    headers.map(([k, v]) => `${k}:${v}\n`).join(''),
    signedHeaders,
    req.payloadHash,
  ].join('\n');
  return { canonical, signedHeaders };
}

const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();

/** The Authorization header value for `req`, signed at the time in its `x-amz-date` header. */
export function authorization(req: SignableRequest, creds: SigV4Credentials): string {
  const date = Object.entries(req.headers).find(([k]) => k.toLowerCase() === 'x-amz-date')?.[1];
  if (!date || !/^\d{8}T\d{6}Z$/.test(date)) throw new Error('SigV4: the request needs an x-amz-date header (yyyymmddThhmmssZ)');
  const day = date.slice(0, 8);
  const scope = `${day}/${creds.region}/${creds.service}/aws4_request`;
  const { canonical, signedHeaders } = canonicalRequest(req);
  const stringToSign = ['AWS4-HMAC-SHA256', date, scope, sha256Hex(canonical)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${creds.secretAccessKey}`, day), creds.region), creds.service), 'aws4_request');
  const signature = createHmac('sha256', key).update(stringToSign).digest('hex');
  return `AWS4-HMAC-SHA256 Credential=${creds.accessKeyId}/${scope},SignedHeaders=${signedHeaders},Signature=${signature}`;
}

/**
 * The headers to send for an S3 request: `headers` plus x-amz-date, x-amz-content-sha256
 * and Authorization. Host is signed but left to fetch to send (it derives the same value from the URL).
 */
export function signS3(req: { method: string; url: URL; headers?: Record<string, string>; payloadHash: string }, creds: SigV4Credentials, now = new Date()): Record<string, string> {
  const headers: Record<string, string> = { ...req.headers, 'x-amz-date': amzDate(now), 'x-amz-content-sha256': req.payloadHash };
  const auth = authorization({ method: req.method, url: req.url, headers: { ...headers, host: req.url.host }, payloadHash: req.payloadHash }, creds);
  return { ...headers, authorization: auth };
}
