import t from 'tap';
import { answers, planPreflight, SERVICES, type Facts } from '../../scripts/preflight.js';
import { freePort } from '../helpers/process.js';
import { createServer } from 'node:net';

const ALL = ['unit', 'integration', 'security', 'contract', 'cluster', 'browser'];
const binaries = { 'mariadbd': true, 'mariadb-install-db': true, 'redis-server': true, 'redis-cli': true, 'nats-server': true, 'openssl': true };

/** A machine with everything; each test takes something away. */
function facts(change: Partial<Facts> = {}): Facts {
  return {
    suites: ALL, root: true, aptGet: true, aptLists: true,
    chromium: { path: '/usr/bin/chromium', present: true, fromEnv: false }, skipBrowser: false,
    services: Object.fromEntries(SERVICES.map((s) => [s.name, { host: '127.0.0.1', port: Number(new URL(s.url).port), fromEnv: false, answering: true }])),
    binaries: { ...binaries }, ...change,
  };
}
const down = (...names: string[]) => Object.fromEntries(SERVICES.map((s) => [s.name, { ...facts().services[s.name]!, answering: !names.includes(s.name) }]));
const noChromium = { path: '/usr/bin/chromium', present: false, fromEnv: false };

t.test('a machine with everything runs every suite and installs nothing', async (t) => {
  t.same(planPreflight(facts()), { suites: ALL, notes: [], install: [], problems: [], commands: [] });
});

t.test('Chromium missing, as root with apt-get: installed before the run', async (t) => {
  const p = planPreflight(facts({ chromium: noChromium }));
  t.same(p.problems, []);
  t.same(p.install, [['apt-get', 'install', '-y', 'chromium']]);
  t.same(planPreflight(facts({ chromium: noChromium, aptLists: false })).install, [['apt-get', 'update'], ['apt-get', 'install', '-y', 'chromium']],
    'a fresh image has no package lists yet');
});

t.test('Chromium missing, not root: stops with the sudo command and the way to skip', async (t) => {
  const p = planPreflight(facts({ chromium: noChromium, root: false }));
  t.same(p.install, []);
  t.match(p.problems, [/Chromium is missing at \/usr\/bin\/chromium/]);
  t.same(p.commands, ['sudo apt-get install -y chromium', 'or skip the browser suite: SWITCHBOARD_SKIP_BROWSER=1 npm test']);
});

t.test('SWITCHBOARD_SKIP_BROWSER runs the other suites and says so', async (t) => {
  const p = planPreflight(facts({ chromium: noChromium, root: false, skipBrowser: true }));
  t.same(p.problems, []);
  t.same(p.suites, ALL.filter((s) => s !== 'browser'));
  t.match(p.notes, [/browser suite skipped \(SWITCHBOARD_SKIP_BROWSER=1\)/]);
});

t.test('a service not answering: the command that starts it', async (t) => {
  const p = planPreflight(facts({ services: down('MariaDB', 'NATS') }));
  t.same(p.install, []);
  t.match(p.problems, [/^MariaDB is not answering at 127.0.0.1:3306; the contract and cluster suites need it$/, /^NATS is not answering at 127.0.0.1:4222/]);
  t.same(p.commands, [
    'start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd',
    'nats-server -a 127.0.0.1 -p 4222 -js &',
    'or run only the suites that need none of these: npm run test:quick',
  ]);
  t.same(planPreflight(facts({ services: down('Redis'), root: false })).commands[0],
    'redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no', 'Redis needs no root');
  t.same(planPreflight(facts({ services: down('MariaDB'), root: false })).commands[0],
    'sudo start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd', 'MariaDB does');
});

t.test('a service neither answering nor installed: the package, then the start', async (t) => {
  const p = planPreflight(facts({ services: down('MariaDB', 'Redis', 'NATS'), binaries: {}, aptLists: false, chromium: noChromium }));
  t.same(p.install, [], 'nothing is installed when the run would stop anyway');
  t.equal(p.commands[0], 'apt-get update && apt-get install -y mariadb-server redis-server nats-server redis-tools openssl chromium', 'one apt-get line for everything');
  t.same(p.commands.slice(1, 4), SERVICES.map((s) => s.start));
  t.match(p.problems, [/^Chromium is missing/, /and mariadbd is not installed \(Debian package mariadb-server\)/, /redis-server is not installed/, /nats-server is not installed/,
    /^redis-cli is not installed \(Debian package redis-tools\); the contract tests run it$/, /^openssl is not installed/]);
  t.same(p.commands.slice(4), ['or skip the browser suite: SWITCHBOARD_SKIP_BROWSER=1 npm test', 'or run only the suites that need none of these: npm run test:quick']);
});

t.test('only what the requested suites need is checked', async (t) => {
  const bare = { services: down('MariaDB', 'Redis', 'NATS'), binaries: {}, chromium: noChromium, root: false };
  t.same(planPreflight(facts({ ...bare, suites: ['unit', 'security'] })).problems, [], 'unit and security need nothing');
  t.match(planPreflight(facts({ ...bare, suites: ['integration'] })).problems, [/^openssl is not installed/]);
  const cluster = planPreflight(facts({ ...bare, suites: ['cluster'] }));
  t.equal(cluster.problems.length, 3, 'cluster: MariaDB, redis-server, nats-server');
  t.match(cluster.problems[0], /; the cluster suite needs it$/, 'names only the suites asked for');
  t.notMatch(cluster.problems.join('\n'), /NATS is not answering|Redis is not answering/, 'cluster starts its own NATS and Redis');
});

t.test('a service named by an environment variable gets no start command', async (t) => {
  const services = { ...facts().services, Redis: { host: 'cache.internal', port: 6380, fromEnv: true, answering: false } };
  const p = planPreflight(facts({ services }));
  t.same(p.problems, ['Redis is not answering at cache.internal:6380 (SWITCHBOARD_TEST_REDIS); the contract suite needs it']);
  t.same(p.commands, []);
  const chromium = planPreflight(facts({ chromium: { path: '/opt/chrome', present: false, fromEnv: true } }));
  t.same(chromium.problems, ['Chromium is missing at /opt/chrome (SWITCHBOARD_CHROMIUM); the browser suite needs it']);
  t.same(chromium.install, [], 'a browser of its own choice is not installed from Debian');
  t.same(chromium.commands, ['or skip the browser suite: SWITCHBOARD_SKIP_BROWSER=1 npm test']);
});

t.test('answers() tells a listening port from a closed one within its timeout', async (t) => {
  const server = createServer((s) => s.destroy());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  t.teardown(() => server.close());
  t.equal(await answers('127.0.0.1', (server.address() as { port: number }).port), true);
  const started = Date.now();
  t.equal(await answers('127.0.0.1', await freePort()), false);
  t.ok(Date.now() - started < 1_500, 'a closed port answers fast');
});
