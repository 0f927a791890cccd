import { AppError, type ErrorBody } from '../errors.js';
import { API, type Method } from '../protocol/api.js';
import type { FileView } from '../protocol/types.js';
import type { DirSnapshot } from '../protocol/directory.js';

/**
 * Each public operation's params and result. core/operations.ts fills this in (module augmentation) from the
 * operation table's schemas wherever the table is compiled along, as in every Node program; the browser
 * build leaves it out (no schemas there), so in the web client calls are checked by name only.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface OperationTypes {}
type Typed<M extends Method> = M extends keyof OperationTypes ? OperationTypes[M] : { params: Record<string, unknown>; result: any };
export type CallParams<M extends Method> = Typed<M>['params'];
export type CallResult<M extends Method> = Typed<M>['result'];
/** Params may be left out only when the operation needs none. */
type ParamsArg<M extends Method> = Record<never, never> extends CallParams<M> ? [params?: CallParams<M>] : [params: CallParams<M>];

/** Thin HTTP client over the operation table: `call('msg.history', { conv_id: 3, after: 10 })`, typed by the table. */
export class ApiClient {
  /** The relay this client talks to; the SDK moves it when it fails over to another relay. */
  constructor(public baseUrl: string, public token: string | null = null, private readonly fetchFn: typeof fetch = globalThis.fetch.bind(globalThis)) {}

  call<M extends Method>(method: M, ...[params]: ParamsArg<M>): Promise<CallResult<M>> {
    return this.callUnchecked<CallResult<M>>(method, (params ?? {}) as Record<string, unknown>);
  }

  /** A call whose params the compiler does not check: for input that is wrong on purpose (tests) or built at run time. */
  async callUnchecked<T = unknown>(method: Method, params: Record<string, unknown> = {}): Promise<T> {
    const [verb, template] = API[method].http;
    const rest = { ...params };
    const path = template.replace(/:(\w+)/g, (_m, name: string) => {
      const v = rest[name];
      delete rest[name];
      if (v === undefined || v === null) throw new AppError('SB_VALIDATION', `${name}: required`);
      return encodeURIComponent(String(v));
    });
    let url = this.baseUrl.replace(/\/$/, '') + path;
    const headers: Record<string, string> = {};
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    let body: string | undefined;
    if (verb === 'GET') {
      const q = new URLSearchParams();
      for (const [k, v] of Object.entries(rest)) if (v !== undefined && v !== null) q.set(k, String(v));
      const qs = q.toString();
      if (qs) url += `?${qs}`;
    } else {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(rest);
    }
    let res: Response;
    try {
      res = await this.fetchFn(url, { method: verb, headers, body });
    } catch (e) {
      throw new AppError('SB_CENTRAL_UNAVAILABLE', `Cannot reach ${this.baseUrl}: ${(e as Error).message}`);
    }
    const text = await res.text();
    let json: unknown = null;
    try { json = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
    if (!res.ok) {
      const err = (json as { error?: ErrorBody } | null)?.error;
      throw err ? AppError.fromBody(err) : new AppError(res.status === 503 ? 'SB_CENTRAL_UNAVAILABLE' : 'SB_INTERNAL', `HTTP ${res.status}`);
    }
    return json as T;
  }

  /** Uploads bytes through the relay; share the result with msg.send body { file_id }. */
  async upload(name: string, mime: string, bytes: Uint8Array | Blob): Promise<FileView> {
    const res = await this.raw(`/api/v1/files?name=${encodeURIComponent(name)}`, { method: 'POST', headers: { 'content-type': mime }, body: bytes as BodyInit });
    return (await res.json()) as FileView;
  }

  /** The directory snapshot as I may see it (sent gzip-compressed; fetch decompresses it). */
  async directorySnapshot(): Promise<DirSnapshot> {
    const res = await this.raw('/api/v1/directory/snapshot', { method: 'GET', headers: { 'accept-encoding': 'gzip' } });
    return (await res.json()) as DirSnapshot;
  }

  async download(fileId: number): Promise<Uint8Array> {
    const res = await this.raw(`/api/v1/files/${fileId}`, { method: 'GET' });
    return new Uint8Array(await res.arrayBuffer());
  }

  /** An image's thumbnail (JPEG), when the file has one (`has_thumb`). */
  async thumbnail(fileId: number): Promise<Uint8Array> {
    const res = await this.raw(`/api/v1/files/${fileId}/thumb`, { method: 'GET' });
    return new Uint8Array(await res.arrayBuffer());
  }

  private async raw(path: string, init: RequestInit): Promise<Response> {
    const headers: Record<string, string> = { ...(init.headers as Record<string, string> | undefined) };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    let res: Response;
    try {
      res = await this.fetchFn(this.baseUrl.replace(/\/$/, '') + path, { ...init, headers });
    } catch (e) {
      throw new AppError('SB_CENTRAL_UNAVAILABLE', `Cannot reach ${this.baseUrl}: ${(e as Error).message}`);
    }
    if (!res.ok) {
      const json = (await res.json().catch(() => null)) as { error?: ErrorBody } | null; // a non-JSON body is reported by its HTTP status
      throw json?.error ? AppError.fromBody(json.error) : new AppError('SB_INTERNAL', `HTTP ${res.status}`);
    }
    return res;
  }
}
