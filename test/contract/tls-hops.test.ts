import t from 'tap';
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import mysql from 'mysql2/promise';
import { RedisCache } from '../../shared/cache/redis.js';
import { MysqlStore } from '../../central/store/mysql/index.js';
import { waitPort } from '../../scripts/bench/common.js';
import { connectedPair, startServer, waitFor } from '../helpers/server.js';
import { freePort } from '../helpers/process.js';
import { mariadbMissing, ownMariadb } from '../helpers/mariadb-server.js';

/**
 * TLS on the hops behind the relay, each against a private server of the
 * test's own and a private CA, wired from configuration through the roles:
 * NATS (tls://), Redis (rediss://) and MySQL (a MariaDB with
 * require_secure_transport, accounts that REQUIRE SSL or a client certificate).
 */
const have = (cmd: string, arg: string) => spawnSync(cmd, [arg]).status === 0;
const noOpenssl = have('openssl', 'version') ? null : 'openssl is missing';
const skip = noOpenssl ?? (have('redis-server', '--version') && have('nats-server', '--version') ? false
  : 'redis-server or nats-server is missing; skipping the NATS and Redis TLS hop tests');
const mariadbWhy = noOpenssl ?? mariadbMissing();
const skipMysql = mariadbWhy ? `${mariadbWhy}; skipping the MySQL TLS hop tests` : false;

interface Pem { cert: string; key: string }
const openssl = (args: string[]) => execFileSync('openssl', args, { stdio: 'ignore' });
const newKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

/** A self-signed CA in `dir` named `name`. */
function makeCa(dir: string, name: string, cn: string): Pem {
  const pem = { cert: join(dir, `${name}.pem`), key: join(dir, `${name}-key.pem`) };
  openssl(['req', '-x509', ...newKey, '-days', '1', '-subj', `/CN=${cn}`, '-keyout', pem.key, '-out', pem.cert]);
  return pem;
}

/** A certificate signed by `ca`: for a server with these subjectAltNames, or (null) a client certificate. */
function issue(dir: string, ca: Pem, name: string, cn: string, san: string | null): Pem {
  const pem = { cert: join(dir, `${name}.pem`), key: join(dir, `${name}-key.pem`) };
  const ext = join(dir, `${name}.cnf`);
  writeFileSync(ext, san ? `subjectAltName=${san}\n` : 'extendedKeyUsage=clientAuth\n');
  openssl(['req', ...newKey, '-subj', `/CN=${cn}`, '-keyout', pem.key, '-out', join(dir, `${name}.csr`)]);
  openssl(['x509', '-req', '-in', join(dir, `${name}.csr`), '-CA', ca.cert, '-CAkey', ca.key, '-CAcreateserial', '-days', '1',
    '-extfile', ext, '-out', pem.cert]);
  return pem;
}

t.test('an all-in-one node reaches NATS and Redis over TLS verified with a private CA', { skip }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sb-tls-hops-'));
  const ca = makeCa(dir, 'ca', 'Switchboard Test CA');
  const certs = { ca: ca.cert, ...issue(dir, ca, 'server', 'localhost', 'DNS:localhost,IP:127.0.0.1') };
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
  const { bob, a, b } = await connectedPair(t, server);
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

t.test('central reaches MySQL (MariaDB) only over TLS, verified with a private CA', { skip: skipMysql }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sb-tls-mysql-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const ca = makeCa(dir, 'ca', 'Switchboard Test CA');
  const other = makeCa(dir, 'other-ca', 'Some Other CA');
  const serverPem = issue(dir, ca, 'db', 'localhost', 'DNS:localhost,IP:127.0.0.1');
  const clientPem = issue(dir, ca, 'central', 'switchboard-central', null);
  const strangerPem = issue(dir, other, 'stranger', 'switchboard-central', null);

  const db = await ownMariadb({ tls: { caFile: ca.cert, certFile: serverPem.cert, keyFile: serverPem.key } });
  t.teardown(() => db.stop());
  const admin = await db.admin();
  await admin.query(`
    CREATE USER 'switchboard'@'127.0.0.1' IDENTIFIED BY 'pw-ssl' REQUIRE SSL;
    GRANT ALL ON \`switchboard\`.* TO 'switchboard'@'127.0.0.1';
    CREATE USER 'sbcert'@'127.0.0.1' IDENTIFIED BY 'pw-x509' REQUIRE SUBJECT '/CN=switchboard-central' AND ISSUER '/CN=Switchboard Test CA';
    GRANT ALL ON \`switchboard_x509\`.* TO 'sbcert'@'127.0.0.1';
    CREATE USER 'plain'@'127.0.0.1' IDENTIFIED BY 'pw-plain';`);
  const at = `127.0.0.1:${db.port}`;
  const url = `mysql://switchboard:pw-ssl@${at}/switchboard`;
  /** 'opened', or the error's code and message. */
  const refusal = (p: Promise<MysqlStore>) => p.then(async (s) => { await s.close(); return 'opened'; }, (e: Error & { code?: string }) => `${e.code}: ${e.message}`);
  const cipher = async (c: { query(sql: string): Promise<unknown> }) =>
    (((await c.query("SHOW SESSION STATUS LIKE 'Ssl_cipher'")) as unknown as [{ Value: string }[]])[0][0]?.Value ?? '');

  // Plaintext is impossible: the server refuses it for every account, whatever the account requires.
  t.match(await refusal(MysqlStore.open({ url, ssl: null })), /^ER_ACCESS_DENIED_ERROR/, 'the store without ssl is refused');
  const plainly = (ssl?: { ca: string }) => mysql.createConnection({ host: '127.0.0.1', port: db.port, user: 'plain', password: 'pw-plain', ssl })
    .then(async (c) => { const v = await cipher(c); await c.end(); return `cipher ${v}`; }, (e: { code?: string }) => e.code ?? String(e));
  t.equal(await plainly(), 'ER_ACCESS_DENIED_ERROR', 'require_secure_transport refuses plaintext even to an account without REQUIRE SSL');
  t.match(await plainly({ ca: readFileSync(ca.cert, 'utf8') }), /^cipher \S+$/, 'the same account and password get in over TLS');

  // The server's certificate must chain to the configured CA.
  // (MariaDB sends its CA along with its certificate, so Node calls the chain self-signed.)
  const untrusted = /^HANDSHAKE_SSL_ERROR: (self-signed certificate in certificate chain|unable to verify)/;
  t.match(await refusal(MysqlStore.open({ url, ssl: { caFile: other.cert } })), untrusted, 'a CA that did not sign the server certificate: refused');
  t.match(await refusal(MysqlStore.open({ url, ssl: {} })), untrusted, 'ssl: {} verifies against the system CAs, which do not know the private CA');
  t.equal(await refusal(MysqlStore.open({ url, ssl: { caFile: other.cert, rejectUnauthorized: false } })), 'opened',
    'rejectUnauthorized: false (testing only) skips the check');

  // A real node with the store over TLS: chat end to end, every store connection encrypted.
  const server = await startServer({ store: { kind: 'mysql', url, poolSize: 4, ssl: { caFile: ca.cert } } });
  t.teardown(() => server.stop());
  const store = server.node.central!.store as MysqlStore;
  t.equal(store.kind, 'mysql', 'central opened the MySQL store from configuration');
  const { bob, a, b } = await connectedPair(t, server);
  const conv = await a.openDirect(bob.user.id);
  const acked = await a.send(conv.id, 'over TLS to MariaDB');
  await waitFor(() => b.messages(conv.id).length === 1, 5_000, 'bob receives');
  t.equal((b.messages(conv.id)[0]!.body as { text: string }).text, 'over TLS to MariaDB');
  const stored = await store.conversations.history(conv.id, { afterSeq: 0, limit: 10 });
  t.same(stored.map((m) => m.seq), [acked.seq], 'the message is read back from the TLS MariaDB');
  const [rows] = await admin.query('SELECT COUNT(*) AS n FROM switchboard.messages WHERE conv_id = ?', [conv.id]);
  t.equal(Number((rows as { n: number }[])[0]!.n), 1, 'and it is in the private server');

  const conns = await Promise.all(Array.from({ length: 4 }, () => store.pool.getConnection()));
  try {
    const seen = await Promise.all(conns.map(async (c) => ({
      cipher: await cipher(c),
      user: ((await c.query('SELECT CURRENT_USER() AS u')) as unknown as [{ u: string }[]])[0][0]!.u,
    })));
    t.ok(seen.every((s) => s.cipher !== ''), `the server reports a TLS cipher on each of the store's ${seen.length} connections (${seen[0]!.cipher})`);
    t.same([...new Set(seen.map((s) => s.user))], ['switchboard@127.0.0.1'], 'as the account that REQUIREs SSL');
  } finally {
    for (const c of conns) c.release();
  }
  const [procs] = await admin.query("SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE USER = 'switchboard'");
  t.ok(Number((procs as { n: number }[])[0]!.n) >= 4, 'the server lists the node\'s connections');

  // certFile + keyFile reach the server: an account that requires this client certificate.
  const x509 = `mysql://sbcert:pw-x509@${at}/switchboard_x509`;
  t.match(await refusal(MysqlStore.open({ url: x509, ssl: { caFile: ca.cert } })), /^ER_ACCESS_DENIED_ERROR/,
    'REQUIRE SUBJECT … ISSUER: TLS without a client certificate is refused');
  t.match(await refusal(MysqlStore.open({ url: x509, ssl: { caFile: ca.cert, certFile: strangerPem.cert, keyFile: strangerPem.key } })),
    /UNKNOWN_CA/, 'a certificate with the right name from another CA is refused in the handshake');
  const withCert = await MysqlStore.open({ url: x509, poolSize: 1, ssl: { caFile: ca.cert, certFile: clientPem.cert, keyFile: clientPem.key } });
  t.teardown(() => withCert.close());
  t.not(await cipher(withCert.pool), '', 'with certFile + keyFile the store opens (and migrates) over TLS');
  const made = await withCert.users.create({ account: 'x509', name: 'X509', passwordHash: 'h', isAdmin: false, at: 1 });
  t.same(await withCert.users.byAccount('x509'), made, 'and reads back what it wrote');

  // The certificate must name the host in store.url, an IP address included (the server reloads its files on FLUSH SSL).
  const serve = async (pem: Pem) => {
    copyFileSync(pem.cert, serverPem.cert);
    copyFileSync(pem.key, serverPem.key);
    await admin.query('FLUSH SSL');
  };
  const via = (host: string, ssl: { caFile: string; rejectUnauthorized?: boolean }) =>
    refusal(MysqlStore.open({ url: `mysql://switchboard:pw-ssl@${host}:${db.port}/switchboard`, poolSize: 1, ssl }));
  await serve(issue(dir, ca, 'elsewhere', 'db.elsewhere.test', 'DNS:db.elsewhere.test'));
  t.match(await via('127.0.0.1', { caFile: ca.cert }), /^HANDSHAKE_SSL_ERROR: Hostname\/IP does not match certificate's altnames: IP: 127\.0\.0\.1/,
    'a certificate from the right CA for another host is refused');
  t.equal(await via('127.0.0.1', { caFile: ca.cert, rejectUnauthorized: false }), 'opened', 'unless rejectUnauthorized is false');
  await serve(issue(dir, ca, 'named', 'localhost', 'DNS:localhost'));
  t.match(await via('127.0.0.1', { caFile: ca.cert }), /IP: 127\.0\.0\.1 is not in the cert's list/,
    'a certificate naming only localhost does not pass for 127.0.0.1');
  t.equal(await via('localhost', { caFile: ca.cert }), 'opened', 'but does when store.url says localhost');
});
