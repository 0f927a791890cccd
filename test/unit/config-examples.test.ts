import t from 'tap';
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
