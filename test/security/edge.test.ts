import t from 'tap';
import { readdirSync } from 'node:fs';
import { connect } from 'node:net';
import { join, resolve } from 'node:path';
import { StaticFiles } from '../../relay/static.js';
import { makeUser, rawSocket, startServer, waitFor } from '../helpers/server.js';

/** Findings of issue 10 item 4 and 7: each request is refused with a code, and the node stays up. */

const openFds = () => readdirSync('/proc/self/fd').length;
const tempFiles = (dataDir: string) => readdirSync(join(dataDir, 'relay-cache', 'tmp')).length;

async function alive(url: string): Promise<boolean> {
  return (await fetch(`${url}/healthz`)).status === 200;
}

t.test('bad percent-encoding in a path parameter is SB_VALIDATION, not a crash', async (t) => {
  const server = await startServer();
  t.teardown(() => server.stop());
  const r = await fetch(`${server.url}/api/v1/users/%E0%A4%A`, { headers: { authorization: `Bearer ${(await makeUser(server)).token}` } });
  t.equal(r.status, 400);
  t.equal((await r.json() as { error: { code: string } }).error.code, 'SB_VALIDATION');
  t.ok(await alive(server.url), 'the node still answers');
});

t.test('an unauthenticated 5 MB upload is refused; nothing is written after the refusal and nothing leaks', async (t) => {
  const server = await startServer();
  t.teardown(() => server.stop());
  const fdsBefore = openFds();
  for (let i = 0; i < 5; i++) {
    const r = await fetch(`${server.url}/api/v1/files?name=x.bin`, { method: 'POST', body: Buffer.alloc(5 * 1024 * 1024, 7) });
    t.equal(r.status, 401, `refused (${i})`);
  }
  t.ok(await alive(server.url), 'the node still answers');
  await waitFor(() => tempFiles(server.dataDir) === 0, 3_000, 'temp files removed');
  t.equal(tempFiles(server.dataDir), 0, 'no temp file left');
  t.ok(openFds() <= fdsBefore + 3, `descriptors back to their level (${fdsBefore} → ${openFds()})`);
});

t.test('200 aborted uploads release their descriptors and temp files', async (t) => {
  const server = await startServer();
  t.teardown(() => server.stop());
  const { token } = await makeUser(server);
  const fdsBefore = openFds();
  for (let i = 0; i < 200; i++) {
    await new Promise<void>((resolve) => {
      const sock = connect(server.port, '127.0.0.1', () => {
        sock.write(`POST /api/v1/files?name=cut${i}.bin HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nContent-Length: 100000\r\n\r\n`);
        sock.write(Buffer.alloc(20_000, 1), () => setTimeout(() => { sock.destroy(); resolve(); }, 5));
      });
      sock.on('error', () => resolve()); // the server may close first; either way the upload is cut
    });
  }
  await waitFor(() => tempFiles(server.dataDir) === 0, 5_000, 'temp files removed');
  t.equal(tempFiles(server.dataDir), 0, 'no temp file left after 200 aborts');
  await waitFor(() => openFds() <= fdsBefore + 5, 5_000, 'descriptors released');
  t.ok(openFds() <= fdsBefore + 5, `descriptors back to their level (${fdsBefore} → ${openFds()})`);
  t.ok(await alive(server.url));
});

t.test('unknown URLs are not remembered by the static file server', async (t) => {
  const files = new StaticFiles(resolve('relay/web'));
  t.ok(files.get('/'), 'the shell is served');
  const held = files.size;
  let found = 0;
  for (let i = 0; i < 30_000; i++) if (files.get(`/junk-${i}.js`) !== null) found += 1;
  t.equal(found, 0, 'none of them is a file');
  t.equal(files.size, held, '30,000 distinct unknown URLs leave nothing behind');
  files.get('/./index.html');
  files.get('//index.html');
  t.equal(files.size, held, 'spellings of one file are one entry');
});

t.test('WebSocket refusals carry the request id; a second auth keeps the socket', async (t) => {
  const server = await startServer({ limits: { framesPerSecond: 5, frameBurst: 10 } });
  t.teardown(() => server.stop());
  const { token } = await makeUser(server);
  const s = await rawSocket(server.url);
  s.ws.send(JSON.stringify({ t: 'auth', token }));
  await s.next((f) => f.t === 'ready');
  s.ws.send(JSON.stringify({ t: 'auth', id: 'again', token }));
  const again = await s.next((f) => f.id === 'again');
  t.equal(again.error.code, 'SB_VALIDATION', 'second auth answered with a coded error and its id');
  s.ws.send(JSON.stringify({ t: 'ping', id: 'still-here' }));
  t.equal((await s.next((f) => f.id === 'still-here')).t, 'pong', 'the socket stays open');
  for (let i = 0; i < 15; i++) s.ws.send(JSON.stringify({ t: 'ping', id: `burst-${i}` }));
  const limited = await s.next((f) => f.t === 'error' && f.error.code === 'SB_RATE_LIMITED');
  t.match(limited.id, /^burst-\d+$/, 'the rate-limit refusal names the frame it refuses');
  s.ws.close();
});

t.test('pages carry a strict Content-Security-Policy; uploads are never served as active content', async (t) => {
  const server = await startServer();
  t.teardown(() => server.stop());
  const page = await fetch(`${server.url}/`);
  const csp = page.headers.get('content-security-policy') ?? '';
  t.match(csp, /script-src 'self'/);
  t.notMatch(csp, /unsafe-inline|unsafe-eval/);
  t.match(csp, /frame-ancestors 'none'/);
  t.equal(page.headers.get('referrer-policy'), 'no-referrer');
  t.equal(page.headers.get('x-content-type-options'), 'nosniff');
  t.equal(page.headers.get('strict-transport-security'), null, 'no HSTS without TLS');
  const html = await page.text();
  t.notMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/i, 'no inline script in the shell');

  const { token } = await makeUser(server);
  for (const [name, mime] of [['x.html', 'text/html'], ['x.svg', 'image/svg+xml'], ['x.png', 'image/png']] as const) {
    const up = await fetch(`${server.url}/api/v1/files?name=${name}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': mime }, body: `<svg onload="alert(1)">${name}</svg>` });
    t.equal(up.status, 200, `${name} uploaded`);
    const file = await up.json() as { id: number };
    const down = await fetch(`${server.url}/api/v1/files/${file.id}`, { headers: { authorization: `Bearer ${token}` } });
    const type = down.headers.get('content-type') ?? '';
    if (mime === 'image/png') t.equal(type, 'image/png', 'a passive image keeps its type');
    else t.equal(type, 'application/octet-stream', `${mime} is served as bytes to save`);
    t.match(down.headers.get('content-disposition') ?? '', /^attachment/);
    t.match(down.headers.get('content-security-policy') ?? '', /sandbox/);
  }
});

