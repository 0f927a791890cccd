import t from 'tap';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../shared/config.js';

/** The shipped examples load and say what docs/deploy.md says they do. */
t.test('head office example: central on MySQL, NATS and Redis, TLS on each hop', async (t) => {
  const c = loadConfig({ file: 'config/central.example.json', env: {} });
  t.equal(c.role, 'central');
  t.match(c.store, { kind: 'mysql', url: /^mysql:\/\//, poolSize: 16, ssl: { caFile: /ca\.pem$/ } });
  t.match(c.bus, { kind: 'nats', servers: [/^tls:\/\//], tls: { caFile: /ca\.pem$/, certFile: /\.pem$/, keyFile: /key\.pem$/ } });
  t.match(c.cache, { kind: 'redis', url: /^rediss:\/\//, cluster: false, tls: { caFile: /ca\.pem$/ } });
  t.ok(c.files.originDir, 'a shared file origin');
});

t.test('branch example: a relay only, HTTPS/WSS for clients, TLS to NATS', async (t) => {
  const c = loadConfig({ file: 'config/relay.example.json', env: {} });
  t.equal(c.role, 'relay');
  t.match(c.tls, { certFile: /\.pem$/, keyFile: /\.pem$/ });
  t.match(c.bus, { kind: 'nats', servers: [/^tls:\/\//], tls: { caFile: /ca\.pem$/ } });
  t.equal(c.cache.kind, 'memory', 'a relay needs no Redis');
  t.ok(c.files.relayCacheDir && c.files.relayCacheMaxBytes > 0, 'a local file cache with a cap');
});

t.test('SWITCHBOARD_MYSQL_URL switches the store to MySQL', async (t) => {
  const c = loadConfig({ env: { SWITCHBOARD_MYSQL_URL: 'mysql://root@127.0.0.1:3306/sb' } });
  t.match(c.store, { kind: 'mysql', url: 'mysql://root@127.0.0.1:3306/sb' });
});

t.test('the file origin is a directory unless an S3 bucket is configured; the secret can come from the environment', async (t) => {
  t.same(loadConfig({ env: {} }).files.origin, { kind: 'disk' });
  const dir = mkdtempSync(join(tmpdir(), 'sb-config-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'central.json');
  writeFileSync(file, JSON.stringify({ files: { origin: { kind: 's3', endpoint: 'http://minio.hq:9000', bucket: 'switchboard', region: 'us-east-1', accessKeyId: 'sb', secretAccessKey: null } } }));
  const c = loadConfig({ file, env: { SWITCHBOARD_S3_SECRET_ACCESS_KEY: 'from-env' } });
  t.match(c.files.origin, { kind: 's3', endpoint: 'http://minio.hq:9000', bucket: 'switchboard', accessKeyId: 'sb', secretAccessKey: 'from-env' });
  t.equal(c.files.maxBytes, 104857600, 'the other file settings keep their defaults');
});
