import t from 'tap';
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { RedisCache } from '../../shared/cache/redis.js';
import { client, connectedPair, makeUser, startServer, waitFor } from '../helpers/server.js';
import { freePort } from '../helpers/process.js';

/**
 * TLS on the hops behind the relay: NATS (tls:// plus a private CA) and Redis
 * (rediss:// plus a private CA), wired from configuration through the roles.
 * (MySQL's SSL option is passed to mysql2 the same way; the CI MariaDB has no TLS.)
 */
const have = (cmd: string, arg: string) => spawnSync(cmd, [arg]).status === 0;
const skip = have('openssl', 'version') && have('redis-server', '--version') && have('nats-server', '--version')
  ? false : 'openssl, redis-server or nats-server is missing; skipping the TLS hop tests';

function makeCerts(dir: string): { ca: string; cert: string; key: string } {
  const f = (n: string) => join(dir, n);
  writeFileSync(f('ext.cnf'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
  const run = (args: string[]) => execFileSync('openssl', args, { stdio: 'ignore' });
  run(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=Switchboard Test CA', '-keyout', f('ca-key.pem'), '-out', f('ca.pem')]);
  run(['req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-keyout', f('key.pem'), '-out', f('srv.csr')]);
  run(['x509', '-req', '-in', f('srv.csr'), '-CA', f('ca.pem'), '-CAkey', f('ca-key.pem'), '-CAcreateserial', '-days', '1',
    '-extfile', f('ext.cnf'), '-out', f('cert.pem')]);
  return { ca: f('ca.pem'), cert: f('cert.pem'), key: f('key.pem') };
}

async function waitPort(port: number): Promise<void> {
  const { connect } = await import('node:net');
  const until = Date.now() + 10_000;
  for (;;) {
    const ok = await new Promise<boolean>((res) => { const s = connect(port, '127.0.0.1', () => { s.destroy(); res(true); }); s.on('error', () => res(false)); });
    if (ok) return;
    if (Date.now() > until) throw new Error(`nothing listens on ${port}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

t.test('an all-in-one node reaches NATS and Redis over TLS verified with a private CA', { skip }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sb-tls-hops-'));
  const certs = makeCerts(dir);
  const children: ChildProcess[] = [];
  t.teardown(async () => {
    await Promise.all(children.map((c) => (c.exitCode !== null ? undefined : new Promise((res) => { c.once('exit', res); c.kill('SIGKILL'); }))));
    rmSync(dir, { recursive: true, force: true });
  });
  const redisPort = await freePort();
  const natsPort = await freePort();
  children.push(spawn('redis-server', ['--port', '0', '--tls-port', String(redisPort), '--bind', '127.0.0.1', '--tls-cert-file', certs.cert,
    '--tls-key-file', certs.key, '--tls-ca-cert-file', certs.ca, '--tls-auth-clients', 'no', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' }));
  children.push(spawn('nats-server', ['-a', '127.0.0.1', '-p', String(natsPort), '--tls', '--tlscert', certs.cert, '--tlskey', certs.key], { stdio: 'ignore' }));
  await Promise.all([waitPort(redisPort), waitPort(natsPort)]);

  const unverified = await RedisCache.connect(`rediss://127.0.0.1:${redisPort}`, { commandTimeoutMs: 300 });
  t.teardown(() => unverified.close());
  t.equal(await unverified.get('x').then(() => 'answered', () => 'refused'), 'refused', 'without the CA the Redis certificate is not trusted');

  const server = await startServer({
    bus: { kind: 'nats', servers: [`tls://127.0.0.1:${natsPort}`], requestTimeoutMs: 5_000, tls: { caFile: certs.ca } },
    cache: { kind: 'redis', url: `rediss://127.0.0.1:${redisPort}`, cluster: false, tls: { caFile: certs.ca } },
  });
  t.teardown(() => server.stop());
  const { alice, bob, a, b } = await connectedPair(t, server);
  const conv = await a.openDirect(bob.user.id);
  await a.send(conv.id, 'over TLS');
  await waitFor(() => b.messages(conv.id).length === 1, 5_000, 'bob receives through NATS over TLS');
  t.equal((b.messages(conv.id)[0]!.body as { text: string }).text, 'over TLS');

  const verified = await RedisCache.connect(`rediss://127.0.0.1:${redisPort}`, { tls: { caFile: certs.ca } });
  t.teardown(() => verified.close());
  await verified.set('probe', '1', 10_000);
  t.equal(await verified.get('probe'), '1', 'with the CA the same Redis answers');
  const raw = new Redis(`rediss://127.0.0.1:${redisPort}`, { tls: { ca: readFileSync(certs.ca) } });
  t.teardown(() => raw.disconnect());
  t.ok((await raw.keys('sess:*')).length > 0, 'central cached sessions in the TLS Redis');
});
