import { connect } from 'node:net';
import { OPERATION_LIST } from '../../core/operations.js';
import type { OperationContract } from '../../shared/protocol/operation.js';
import type { Rng } from './random.js';
import type { Tally } from './tally.js';
import { DEEP, hostileValue, id, mutateParams, raw, token, type Targets } from './values.js';

export interface HttpCase { method: string; path: string; headers: Record<string, string>; body?: Buffer }

/** Every public operation, with the schema of its params (the relay routes by the same table). */
const OPERATIONS = OPERATION_LIST.filter(([, op]) => op.http !== null) as [string, OperationContract & { http: readonly [string, string] }][];
/** Routes outside the operation table. */
const OTHER_PATHS = ['/healthz', '/openapi.json', '/api/v1/branding', '/manifest.webmanifest', '/api/v1/directory/snapshot', '/api/v1/files/:file_id', '/', '/index.html', '/api/v2/x', '/api/'];
const BAD_SEGMENTS = ['%', '%E0%A4%A', '%zz', '%00', '%2e%2e', '..', '%2F', '%C0%AF', '%ED%A0%80', '-1', '1.5', '1e400', '0x1f', '%F0%9F%98'];
/** The users a parameter of this name designates: never a protected one (the fuzz must not re-password the bystanders). */
const USER_KEYS = new Set(['user_id', 'user_ids', 'member_ids', 'owner_id']);
const FORBIDDEN_FETCH_METHODS = new Set(['CONNECT', 'TRACE', 'TRACK']);

/** JSON Schema, as TypeBox writes it: just what the generator reads. */
interface Schema { type?: string; properties?: Record<string, Schema>; items?: Schema; anyOf?: Schema[]; const?: unknown; enum?: unknown[]; minimum?: number; maximum?: number; maxLength?: number }

/** A value that fits the parameter's schema, often right at its edge; ids come from the fuzz's own pools. */
function valueFor(r: Rng, t: Targets, name: string, schema: Schema, depth = 0): unknown {
  const pool = name === 'conv_id' ? [...t.convIds, ...t.foreignConvIds] : name === 'file_id' ? t.fileIds : t.userIds;
  if (schema.anyOf?.length) return valueFor(r, t, name, r.pick(schema.anyOf), depth);
  if (schema.const !== undefined) return schema.const;
  if (schema.enum?.length) return r.pick(schema.enum);
  switch (schema.type) {
    case 'integer':
    case 'number':
      if (/_ids?$/.test(name)) return id(r, t, pool);
      return r.weighted<() => unknown>([[() => r.int(0, 50), 4], [() => schema.minimum ?? 0, 1], [() => schema.maximum ?? 2 ** 31, 1], [() => (schema.maximum ?? 1e9) + 1, 1], [() => -1, 1]])();
    case 'boolean': return r.chance(0.5);
    case 'array': return Array.from({ length: r.int(0, 4) }, () => valueFor(r, t, name, schema.items ?? {}, depth + 1));
    case 'object':
      if (depth > 3) return {};
      return Object.fromEntries(Object.entries(schema.properties ?? {}).filter(() => r.chance(0.85)).map(([k, v]) => [k, valueFor(r, t, k, v, depth + 1)]));
    case 'string':
      return r.weighted<() => unknown>([[() => r.text(Math.min(30, schema.maxLength ?? 30)), 6], [() => 'x'.repeat((schema.maxLength ?? 100) + 1), 1], [() => '', 1]])();
    default: return r.chance(0.8) ? r.text(30) : hostileValue(r, t);
  }
}

/** Replaces protected user ids wherever a parameter names a user. */
function spare(t: Targets, params: Record<string, unknown>): Record<string, unknown> {
  const safe = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(safe);
    return (typeof v === 'number' || typeof v === 'string') && t.protectedIds.has(Number(String(v).trim())) ? t.userIds[0] : v;
  };
  for (const key of Object.keys(params)) if (USER_KEYS.has(key)) params[key] = safe(params[key]);
  return params;
}

function pathSegment(r: Rng, t: Targets, name: string): string {
  if (r.chance(0.2)) return r.pick(BAD_SEGMENTS).repeat(r.chance(0.1) ? r.int(100, 2_000) : 1);
  const v = spare(t, { [name]: valueFor(r, t, name, { type: 'integer' }) })[name];
  return r.chance(0.1) ? encodeURIComponent(r.wellFormed(10)) : encodeURIComponent(String(v));
}

function body(r: Rng, t: Targets, params: Record<string, unknown>): Buffer | undefined {
  return r.weighted<() => Buffer | undefined>([
    [() => Buffer.from(raw(r, params)), 10],
    [() => undefined, 1],
    [() => { const s = JSON.stringify(params); return Buffer.from(s.slice(0, r.int(0, s.length))); }, 2], // truncated
    [() => Buffer.from(JSON.stringify(r.pick([[], 'text', 12, null, [params]]))), 1],
    [() => Buffer.from(raw(r, { ...params, nested: DEEP }, 50_000)), 1],
    [() => r.bytes(r.int(1, 3_000)), 1],
    [() => Buffer.alloc(r.int(1_048_577, 1_200_000), 0x20), 0.3], // past limits.maxBodyBytes
    [() => Buffer.from(`{${Array.from({ length: 20_000 }, (_, i) => `"k${i}":${i}`).join(',')}}`), 0.5],
  ])();
}

/** A request to a route of the operation table (or another route of the relay), mutated. */
export function httpCase(r: Rng, t: Targets): HttpCase {
  const other = { http: ['GET', r.pick(OTHER_PATHS)], auth: 'user', params: { type: 'object', properties: {} } } as unknown as (typeof OPERATIONS)[number][1];
  const op = r.chance(0.9) ? r.pick(OPERATIONS)[1] : other;
  const path = op.http[1].replace(/:(\w+)/g, (_m: string, name: string) => pathSegment(r, t, name));
  const method = r.chance(0.85) ? op.http[0] : r.pick(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'PROPFIND', 'get']);
  const valid = valueFor(r, t, '', op.params as Schema) as Record<string, unknown>;
  const params = spare(t, mutateParams(r, t, valid));
  const headers: Record<string, string> = {};
  const tok = op.auth === 'none' && r.chance(0.8) ? undefined : token(r, t);
  if (tok !== undefined) headers.authorization = r.weighted([[`Bearer ${tok}`, 10], [`bearer   ${tok}  `, 1], [`Basic ${tok}`, 1], ['Bearer', 1], [tok, 1]]);
  headers['content-type'] = r.weighted([['application/json', 8], ['text/plain', 1], ['multipart/form-data; boundary=x', 1], ['application/x-www-form-urlencoded', 1], [r.ascii(40), 1]]);
  let query = '';
  if (method === 'GET' || r.chance(0.2)) {
    query = new URLSearchParams(Object.entries(params).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v) ?? ''])).toString();
    if (r.chance(0.1)) query += `&${r.pick(BAD_SEGMENTS)}=${r.pick(BAD_SEGMENTS)}`;
    if (r.chance(0.05)) query += `&q=${'a'.repeat(r.int(4_000, 120_000))}`;
  }
  const hasBody = method !== 'GET' && method !== 'HEAD' && method !== 'get';
  return { method, path: query ? `${path}?${query}` : path, headers, body: hasBody ? body(r, t, params) : undefined };
}

function describe(c: HttpCase): string {
  return `${c.method} ${c.path.slice(0, 300)} ${JSON.stringify(c.headers).slice(0, 200)} ${c.body?.subarray(0, 200).toString('utf8') ?? ''}`;
}

/** Sends one case with fetch (a raw socket for what fetch refuses to send) and counts the answer by its code. */
export async function httpRequest(r: Rng, url: string, t: Targets, tally: Tally): Promise<void> {
  const c = httpCase(r, t);
  tally.send('http');
  const started = performance.now();
  try {
    await sendCase(r, url, c, tally);
  } finally {
    tally.timed('http', performance.now() - started, () => describe(c));
  }
}

async function sendCase(r: Rng, url: string, c: HttpCase, tally: Tally): Promise<void> {
  if (FORBIDDEN_FETCH_METHODS.has(c.method) || r.chance(0.1)) {
    tally.outcome('http', await rawRequest(r, url, c), () => describe(c));
    return;
  }
  try {
    const res = await fetch(url + c.path, { method: c.method, headers: c.headers, body: c.body as BodyInit | undefined, signal: AbortSignal.timeout(20_000) });
    const text = await res.text();
    let code: string | undefined;
    try { code = (JSON.parse(text) as { error?: { code?: string } }).error?.code; } catch { /* not JSON: counted by status */ }
    tally.outcome('http', res.ok ? 'ok' : code ?? `http:${res.status}`, () => describe(c));
  } catch (e) {
    tally.outcome('http', (e as Error).name === 'TimeoutError' ? 'timeout' : 'connection-error', () => `${describe(c)} → ${(e as Error).message}`);
  }
}

/** The same request over a raw socket, sometimes with a broken request line or headers; only the status is read. */
function rawRequest(r: Rng, url: string, c: HttpCase): Promise<string> {
  const { hostname, port } = new URL(url);
  const line = r.weighted([[`${c.method} ${c.path} HTTP/1.1`, 6], [`${c.method} ${c.path}`, 1], [`${c.method}  ${c.path} HTTP/9.9`, 1], [r.ascii(60), 1]]);
  const extra = r.weighted([['', 6], [`X-Junk: ${'j'.repeat(r.int(1_000, 20_000))}\r\n`, 1], ['Content-Length: -5\r\n', 1], ['Transfer-Encoding: chunked\r\n', 1], ['Bad Header\r\n', 1]]);
  const headers = Object.entries(c.headers).map(([k, v]) => `${k}: ${v}\r\n`).join('');
  const length = extra.startsWith('Content-Length') || extra.startsWith('Transfer') ? '' : `Content-Length: ${c.body?.length ?? 0}\r\n`;
  // A request that is incomplete by construction (a chunked body never ended, a negative length) may rightly
  // wait for more bytes until the relay's idle timeout: it gets a short wait and is not counted a timeout.
  const wellFormed = line.endsWith(' HTTP/1.1') && !/^(Content-Length|Transfer|Bad)/.test(extra);
  return new Promise((resolve) => {
    const sock = connect(Number(port), hostname);
    let got = Buffer.alloc(0);
    let settled = false;
    const done = (outcome: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      sock.destroy();
      resolve(outcome);
    };
    const timer = setTimeout(() => done(wellFormed ? 'timeout' : 'incomplete-request-unanswered'), wellFormed ? 20_000 : 2_000);
    const outcome = (final: boolean): string | null => {
      const text = got.toString('latin1');
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1];
      const end = text.indexOf('\r\n\r\n');
      if (!status || end < 0) return final ? (text ? 'partial' : 'closed-without-answer') : null;
      const length = Number(/\r\ncontent-length: *(\d+)/i.exec(text.slice(0, end))?.[1] ?? -1);
      if (!final && (length < 0 || got.length < end + 4 + length)) return null;
      return Number(status) < 400 ? 'ok' : /"code":"(SB_\w+)"/.exec(text)?.[1] ?? `http:${status}`;
    };
    // Written, not ended: a half-closed socket is a closed one to the relay.
    sock.on('connect', () => sock.write(Buffer.concat([Buffer.from(`${line}\r\nHost: fuzz\r\n${headers}${length}${extra}Connection: close\r\n\r\n`), c.body ?? Buffer.alloc(0)])));
    sock.on('data', (d: Buffer) => {
      got = Buffer.concat([got, d]);
      const o = outcome(false);
      if (o) done(o);
    });
    sock.on('error', () => { /* the node may refuse the request by closing; that is an answer */ });
    sock.on('close', () => done(outcome(true)!));
  });
}
