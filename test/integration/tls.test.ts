import t from 'tap';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { ADMIN_PASSWORD } from '../helpers/server.js';

function httpsJson(url: string, ca: Buffer, body?: unknown): Promise<{ status: number; json: any }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca, method: body ? 'POST' : 'GET', headers: body ? { 'content-type': 'application/json' } : {} }, (res) => {
      let text = '';
      res.on('data', (d) => { text += d; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end(body ? JSON.stringify(body) : undefined);
  });
}

t.test('with a certificate configured the relay speaks HTTPS and WSS only', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sb-tls-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '1',
    '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'], { stdio: 'ignore' });
  const ca = readFileSync(certFile);

  const { loadConfig } = await import('../../shared/config.js');
  const { startRole } = await import('../../scripts/roles.js');
  const config = loadConfig({ role: 'all-in-one', env: {}, overrides: { port: 0, host: '127.0.0.1', dataDir: join(dir, 'data'), logLevel: 'warn', tls: { certFile, keyFile }, admin: { account: 'admin', password: ADMIN_PASSWORD } } });
  const node = await startRole(config);
  t.teardown(() => node.stop());
  const base = `https://127.0.0.1:${node.port}`;
  const health = await httpsJson(`${base}/healthz`, ca);
  t.equal(health.status, 200);
  const login = await httpsJson(`${base}/api/v1/auth/login`, ca, { account: 'admin', password: ADMIN_PASSWORD });
  t.equal(login.status, 200, 'sign-in over HTTPS');
  await t.rejects(fetch(`http://127.0.0.1:${node.port}/healthz`), 'plain HTTP is not served');

  const ws = new WebSocket(`wss://127.0.0.1:${node.port}/ws`, { ca });
  const ready = await new Promise<any>((resolve, reject) => {
    ws.on('open', () => ws.send(JSON.stringify({ t: 'auth', token: login.json.token })));
    ws.on('message', (d) => resolve(JSON.parse(d.toString())));
    ws.on('error', reject);
  });
  t.equal(ready.t, 'ready', 'authenticated over WSS');
  ws.close();
});
