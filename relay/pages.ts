import type uWS from 'uWebSockets.js';
import type { Config } from '../shared/config.js';
import { AppError } from '../shared/errors.js';
import { send, sendError, sendJson, watchAbort } from './http.js';
import type { StaticFiles } from './static.js';

/**
 * Headers on every page and asset: no inline or foreign script, never framed, no referrer leaks, HTTPS pinned
 * when TLS is on. The client's own files are the only script; images may be blob:/data: (previews).
 */
export function webSecurityHeaders(tls: boolean): Record<string, string> {
  return {
    'content-security-policy': "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; connect-src 'self' https: wss: ws:; "
      + "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    'referrer-policy': 'no-referrer',
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    ...(tls ? { 'strict-transport-security': 'max-age=31536000; includeSubDomains' } : {}),
  };
}

export interface PagesDeps {
  config: Config;
  files: StaticFiles;
  /** The OpenAPI document, serialised once. */
  openapi: string;
  health: () => Record<string, unknown>;
}

/** What is not the API: health, the OpenAPI document, branding, the web client's files and its manifest. */
export function registerPages(app: uWS.TemplatedApp, deps: PagesDeps): void {
  const { config } = deps;
  app.get('/healthz', (res) => sendJson(res, watchAbort(res), 200, deps.health()));
  app.get('/openapi.json', (res) => {
    send(res, watchAbort(res), 200, deps.openapi, { 'content-type': 'application/json; charset=utf-8' });
  });
  app.get('/api/v1/branding', (res) => sendJson(res, watchAbort(res), 200, config.branding));

  // The installed app's manifest carries the organisation's branding.
  const manifest = JSON.stringify({
    name: config.branding.productName, short_name: config.branding.productName, start_url: '/', scope: '/', display: 'standalone',
    background_color: '#ffffff', theme_color: config.branding.themeColor, lang: 'zh-CN',
    icons: [{ src: config.branding.logoUrl ?? '/icon.svg', sizes: 'any', type: config.branding.logoUrl?.endsWith('.png') ? 'image/png' : 'image/svg+xml', purpose: 'any' }],
  });
  app.get('/manifest.webmanifest', (res) => {
    send(res, watchAbort(res), 200, manifest, { 'content-type': 'application/manifest+json; charset=utf-8', 'cache-control': 'no-cache' });
  });
}

/** The web client's files; registered after the API so that `/api/*` wins. */
export function registerStaticFiles(app: uWS.TemplatedApp, deps: Pick<PagesDeps, 'config' | 'files'>): void {
  const securityHeaders = webSecurityHeaders(deps.config.tls !== null);
  app.get('/*', (res, req) => {
    const state = watchAbort(res);
    const url = req.getUrl();
    const gzipOk = req.getHeader('accept-encoding').includes('gzip');
    // Client-side routes fall back to the app shell.
    const file = deps.files.get(url) ?? (url.includes('.') ? null : deps.files.get('/'));
    if (!file) { sendJson(res, state, 404, { error: { code: 'SB_NOT_FOUND', message: 'Not found' } }); return; }
    const headers: Record<string, string> = { ...securityHeaders, 'content-type': file.type, 'cache-control': url === '/' || url.endsWith('.html') ? 'no-cache' : 'public, max-age=300' };
    if (gzipOk && file.gzip) send(res, state, 200, file.gzip, { ...headers, 'content-encoding': 'gzip', vary: 'accept-encoding' });
    else send(res, state, 200, file.body, headers);
  });
  // Another method on a page, an asset or /healthz: a coded refusal (uWS would otherwise close the connection unanswered).
  app.any('/*', (res) => sendError(res, watchAbort(res), new AppError('SB_UNKNOWN_TYPE', 'Only GET is served here')));
}
