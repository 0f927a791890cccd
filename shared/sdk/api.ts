import { AppError, type ErrorBody } from '../errors.js';
import { API, type Method } from '../protocol/api.js';

/** Thin HTTP client over the operation table: `call('msg.history', { conv_id: 3, after: 10 })`. */
export class ApiClient {
  constructor(public readonly baseUrl: string, public token: string | null = null, private readonly fetchFn: typeof fetch = globalThis.fetch.bind(globalThis)) {}

  async call<T = any>(method: Method, params: Record<string, unknown> = {}): Promise<T> {
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
}
