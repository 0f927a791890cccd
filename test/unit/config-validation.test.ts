import t from 'tap';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, ConfigError, CONFIG_SCHEMA } from '../../shared/config.js';

const fails = (opts: Parameters<typeof loadConfig>[0], pattern: RegExp) => {
  let err: unknown;
  try { loadConfig(opts); } catch (e) { err = e; }
  return err instanceof ConfigError && pattern.test(err.message) ? true : (err as Error | undefined)?.message ?? 'no error';
};

t.test('the defaults and the shipped examples are valid', async (t) => {
  t.equal(loadConfig({ env: {} }).port, 7080);
  t.equal(loadConfig({ file: 'config/central.example.json', env: {} }).role, 'central');
  t.equal(loadConfig({ file: 'config/relay.example.json', env: {} }).role, 'relay');
});

t.test('unknown keys are named with their path', async (t) => {
  t.equal(fails({ env: {}, overrides: { prot: 80 } }, /^invalid configuration:\n {2}prot: unknown key/), true);
  t.equal(fails({ env: {}, overrides: { limits: { maxFrameByte: 10 } } }, /limits\.maxFrameByte: unknown key/), true);
});

t.test('wrong types and bad values', async (t) => {
  t.equal(fails({ env: {}, overrides: { port: '80' } }, /port: expected a whole number, got "80"/), true);
  t.equal(fails({ env: {}, overrides: { port: 70000 } }, /port: expected 0 to 65535, got 70000/), true);
  t.equal(fails({ env: {}, overrides: { store: { kind: 'postgres' } } }, /store\.kind: expected one of sqlite, mysql, got "postgres"/), true);
  t.equal(fails({ env: {}, overrides: { store: { kind: 'mysql' } } }, /store\.url: missing/), true);
  t.equal(fails({ env: {}, overrides: { logLevel: 'loud' } }, /logLevel: expected one of fatal/), true);
  t.equal(fails({ env: {}, overrides: { files: { blockedExtensions: 'exe' } } }, /files\.blockedExtensions: expected a list of strings/), true);
  t.equal(fails({ env: {}, overrides: { admin: { account: null } } }, /admin\.account: must not be null/), true);
});

t.test('every problem is listed at once, with the file that was read', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sb-config-'));
  const file = join(dir, 'bad.json');
  writeFileSync(file, JSON.stringify({ port: -1, sessions: { ttlHours: 'long' } }));
  const msg = fails({ file, env: {} }, /./);
  t.equal(fails({ file, env: {} }, new RegExp(`\\(${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\\)[^]*port: [^]*sessions\\.ttlHours: expected a number`)), true, String(msg));
});

t.test('environment overrides are checked and named', async (t) => {
  t.equal(fails({ env: { SWITCHBOARD_PORT: 'abc' } }, /^SWITCHBOARD_PORT="abc": expected a whole number$/), true);
  t.equal(fails({ env: { SWITCHBOARD_PORT: '99999' } }, /port: expected 0 to 65535/), true);
  t.equal(fails({ env: { SWITCHBOARD_SENDS_PER_USER_PER_10S: 'many' } }, /SWITCHBOARD_SENDS_PER_USER_PER_10S="many"/), true);
  t.equal(fails({ env: { SWITCHBOARD_SQLITE_SYNC: 'OFF' } }, /SWITCHBOARD_SQLITE_SYNC="OFF": expected FULL or NORMAL/), true);
  t.equal(fails({ env: { SWITCHBOARD_TLS_CERT: '/c.pem' } }, /SWITCHBOARD_TLS_CERT and SWITCHBOARD_TLS_KEY: set both/), true);
  t.equal(fails({ env: { SWITCHBOARD_LOG_LEVEL: 'chatty' } }, /logLevel: expected one of/), true);
  const c = loadConfig({
    env: {
      SWITCHBOARD_PORT: '8080', SWITCHBOARD_HOST: '127.0.0.1', SWITCHBOARD_DATA_DIR: '/tmp/sb', SWITCHBOARD_PUBLIC_URL: 'https://im.example.com',
      SWITCHBOARD_TLS_CERT: '/c.pem', SWITCHBOARD_TLS_KEY: '/k.pem', SWITCHBOARD_RELAY_ID: 'sh1', SWITCHBOARD_LOG_LEVEL: 'debug',
      SWITCHBOARD_ADMIN_ACCOUNT: 'root', SWITCHBOARD_ADMIN_PASSWORD: 'pw', SWITCHBOARD_MYSQL_URL: 'mysql://u@h/db',
      SWITCHBOARD_NATS_URL: 'nats://a:4222,nats://b:4222', SWITCHBOARD_REDIS_URL: 'redis://r:6379', SWITCHBOARD_S3_SECRET_ACCESS_KEY: 's',
      SWITCHBOARD_SENDS_PER_USER_PER_10S: '50',
    },
  });
  t.same([c.port, c.host, c.dataDir, c.publicUrl, c.relay.id, c.logLevel, c.admin.account, c.limits.sendsPerUserPer10s], [8080, '127.0.0.1', '/tmp/sb', 'https://im.example.com', 'sh1', 'debug', 'root', 50]);
  t.same(c.store, { kind: 'mysql', url: 'mysql://u@h/db' }, 'a new store kind replaces the old one');
  t.same(c.bus, { kind: 'nats', servers: ['nats://a:4222', 'nats://b:4222'] });
  t.same(c.tls, { certFile: '/c.pem', keyFile: '/k.pem' });
  const s3 = loadConfig({ env: { SWITCHBOARD_S3_SECRET_ACCESS_KEY: 'sekrit' }, overrides: { files: { origin: { kind: 's3', endpoint: 'http://m:9000', bucket: 'b', region: 'r', accessKeyId: 'a', secretAccessKey: null } } } });
  t.equal((s3.files.origin as { secretAccessKey: string }).secretAccessKey, 'sekrit');
});

t.test('the schema is a plain object another key is added to', async (t) => {
  t.ok('relay' in CONFIG_SCHEMA && 'limits' in CONFIG_SCHEMA);
});
