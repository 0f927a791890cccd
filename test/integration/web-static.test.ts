import t from 'tap';
import { gunzipSync } from 'node:zlib';
import { startServer } from '../helpers/server.js';

t.test('the relay serves the web client, its branded manifest and its service worker', async (t) => {
  const server = await startServer({ branding: { productName: 'Acme Chat', themeColor: '#aa0000', logoUrl: '/acme.png', serverUrl: 'https://chat.acme.example' } });
  t.teardown(() => server.stop());

  const manifest = await fetch(`${server.url}/manifest.webmanifest`);
  t.equal(manifest.status, 200);
  t.match(manifest.headers.get('content-type'), /application\/manifest\+json/);
  const m = await manifest.json() as Record<string, any>;
  t.same({ name: m.name, short_name: m.short_name, theme_color: m.theme_color, start_url: m.start_url, display: m.display },
    { name: 'Acme Chat', short_name: 'Acme Chat', theme_color: '#aa0000', start_url: '/', display: 'standalone' }, 'manifest carries the branding');
  t.same(m.icons, [{ src: '/acme.png', sizes: 'any', type: 'image/png', purpose: 'any' }], 'logo as the app icon');

  const branding = await (await fetch(`${server.url}/api/v1/branding`)).json();
  t.same(branding, { productName: 'Acme Chat', themeColor: '#aa0000', logoUrl: '/acme.png', serverUrl: 'https://chat.acme.example' });

  // The shell, gzipped when asked; client routes fall back to it; the modules and the worker are served.
  const { request } = await import('node:http');
  const raw = await new Promise<{ headers: Record<string, unknown>; body: Buffer }>((resolve, reject) => {
    request(`${server.url}/`, { headers: { 'accept-encoding': 'gzip' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
    }).on('error', reject).end();
  });
  t.equal(raw.headers['content-encoding'], 'gzip');
  t.match(gunzipSync(raw.body).toString(), /<link rel="manifest" href="\/manifest.webmanifest">/);
  t.match(await (await fetch(`${server.url}/chat/12`)).text(), /<div id="app">/, 'deep links get the shell');
  const main = await fetch(`${server.url}/dist/relay/web/src/main.js`);
  t.equal(main.status, 200);
  t.match(main.headers.get('content-type'), /text\/javascript/);
  const client = await fetch(`${server.url}/dist/shared/sdk/client.js`);
  t.match(await client.text(), /class SwitchboardClient/, 'the SDK is served to browsers');
  const joined = await fetch(`${server.url}/dist/app.js`);
  t.match(joined.headers.get('content-type'), /text\/javascript/);
  t.match(await joined.text(), /class SwitchboardClient/, 'the page loads the client joined into one module');
  const early = await fetch(`${server.url}/branding.js`);
  t.match(early.headers.get('content-type'), /text\/javascript/);
  t.match(await early.text(), /\/api\/v1\/branding/, 'the early branding request is a file, not inline script');
  const sw = await fetch(`${server.url}/sw.js`);
  t.match(sw.headers.get('content-type'), /text\/javascript/);
  t.match(await sw.text(), /caches\.open/);
  t.equal((await fetch(`${server.url}/dist/../../package.json`)).status, 404, 'nothing outside relay/web');
});
