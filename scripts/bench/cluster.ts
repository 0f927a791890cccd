import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cpuDuring, freePort, log, rssMib, runGenerator, waitHealthy, waitPort } from './common.js';
import type { LoadResult, Pair } from './generator.js';
import { BENCH_LIMITS, seedPairs, verifyStored } from './messaging.js';

/**
 * The cluster benchmark: central on MariaDB (×1 by default, --centrals N), relays ×2, a private NATS and
 * Redis, all on this machine, driven by the messaging bench's generator; then
 * `switchboard all-in-one` (SQLite, in-process bus) measured by the same
 * generator with the same method in the same run, for the ratio.
 */
export interface ClusterBenchOptions {
  pairs: number;
  durationMs: number;
  window: number;
  ratePerS: number;
  centrals: number;
  relays: number;
  /** Also measure all-in-one on the same MariaDB store (separates the store's cost from the cluster's). */
  withMysqlAllInOne: boolean;
  /** A folder: central runs with --cpu-prof and writes its profile there when it stops. */
  centralProfileDir?: string;
}

const NATS_BIN = process.env.SWITCHBOARD_NATS_SERVER ?? '/usr/sbin/nats-server';
const REDIS_BIN = process.env.SWITCHBOARD_REDIS_SERVER ?? 'redis-server';
const MYSQL_ROOT = process.env.SWITCHBOARD_BENCH_MYSQL ?? 'mysql://root@127.0.0.1:3306';
const ADMIN_PASSWORD = 'bench-admin-password';


async function mysqlExec(sql: string): Promise<void> {
  const mysql = await import('mysql2/promise');
  const conn = await mysql.createConnection(MYSQL_ROOT);
  try { await conn.query(sql); } finally { await conn.end(); }
}

/** One master key for every central of a run (a cluster central refuses to start without one; docs/security.md). */
const MASTER_KEY = randomBytes(32).toString('base64');

/** A central process, resolved once it logs that it is ready. */
function spawnCentral(env: Record<string, string>, profileDir?: string): Promise<ChildProcess> {
  const profile = profileDir ? `--cpu-prof --cpu-prof-dir="${profileDir}" ` : '';
  const child = spawn('bash', ['-c', `ulimit -n 65536 2>/dev/null || ulimit -n 20000; exec "${process.execPath}" ${profile}dist/scripts/switchboard.js central`], {
    env: { SWITCHBOARD_MASTER_KEY: MASTER_KEY, ...process.env, ...env, SWITCHBOARD_LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`central did not start: ${out.slice(-2000)}`)); }, 30_000);
    child.stdout!.on('data', (d: Buffer) => {
      if (out.length < 100_000) out += d.toString();
      if (out.includes('central ready')) { clearTimeout(timer); resolve(child); }
    });
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`central exited with ${code}: ${out.slice(-2000)}`)); });
  });
}

/** `switchboard <role>` whose output goes to stderr, so stdout carries only the result. */
function spawnQuiet(role: string, env: Record<string, string>): ChildProcess {
  return spawn('bash', ['-c', `ulimit -n 65536 2>/dev/null || ulimit -n 20000; exec "${process.execPath}" dist/scripts/switchboard.js ${role}`], {
    env: { ...process.env, SWITCHBOARD_LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 2, 2],
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

async function stopAll(children: ChildProcess[], signal: NodeJS.Signals): Promise<void> {
  for (const c of children) c.kill(signal);
  await Promise.race([Promise.all(children.map(exited)), new Promise((r) => setTimeout(r, 5_000))]);
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
}

const round = (x: number) => Math.round(x * 100) / 100;

/** nats-server's own counters (its monitoring port): messages and bytes it received from clients. */
async function natsCounters(monitorPort: number): Promise<{ in_msgs: number; in_bytes: number }> {
  const varz = await (await fetch(`http://127.0.0.1:${monitorPort}/varz`)).json() as { in_msgs: number; in_bytes: number };
  return { in_msgs: varz.in_msgs, in_bytes: varz.in_bytes };
}

/** The MariaDB server's pid when it runs on this machine (its CPU counts against the cluster), else null. */
async function mysqlServerPid(): Promise<number | null> {
  try {
    const mysql = await import('mysql2/promise');
    const conn = await mysql.createConnection(MYSQL_ROOT);
    try {
      const [rows] = await conn.query('SELECT @@pid_file AS f');
      return Number(readFileSync((rows as { f: string }[])[0]!.f, 'utf8').trim()) || null;
    } finally { await conn.end(); }
  } catch {
    return null;
  }
}

type Measured = { max: LoadResult; fixed: LoadResult; cpuMsPerMsg: Record<string, number> };

/**
 * Max throughput, then latency at a fixed rate. During the max run the CPU
 * time of every server process is read from /proc, per delivered message: on
 * a shared machine that is steadier than throughput, and it shows where the
 * cluster's extra work goes.
 */
async function measure(url: string, pairs: Pair[], opts: ClusterBenchOptions, label: string, pids: Record<string, number[]>): Promise<Measured> {
  log(`${label}: max throughput…`);
  const run = await cpuDuring(pids, () => runGenerator<LoadResult>({ kind: 'load', url, pairs, mode: 'max', durationMs: opts.durationMs, window: opts.window }));
  const max = run.result.result;
  const cpuMsPerMsg = Object.fromEntries(Object.entries(run.cpuMs).map(([role, ms]) => [role, round3(ms / Math.max(1, max.delivered))]));
  cpuMsPerMsg.total = round3(Object.values(run.cpuMs).reduce((a, b) => a + b, 0) / Math.max(1, max.delivered));
  log(`  ${Math.round(max.delivered / max.elapsed_s)}/s delivered; CPU ms per message ${JSON.stringify(cpuMsPerMsg)}`);
  log(`${label}: fixed ${opts.ratePerS}/s…`);
  const fixed = (await runGenerator<LoadResult>({ kind: 'load', url, pairs, mode: 'rate', durationMs: opts.durationMs, ratePerS: opts.ratePerS })).result;
  log(`  p50 ${fixed.latencies_ms.p50.toFixed(2)} ms, p99 ${fixed.latencies_ms.p99.toFixed(2)} ms`);
  return { max, fixed, cpuMsPerMsg };
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;

export async function runCluster(opts: ClusterBenchOptions): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), 'sb-bench-cluster-'));
  const database = `sb_bench_${process.pid}_${randomBytes(3).toString('hex')}`;
  const natsPort = await freePort();
  const natsMonitorPort = await freePort();
  const redisPort = await freePort();
  const children: ChildProcess[] = [];
  const infra: ChildProcess[] = [];
  let dbCreated = false;
  try {
    // ---- the cluster ---------------------------------------------------------
    infra.push(spawn(NATS_BIN, ['-a', '127.0.0.1', '-p', String(natsPort), '-m', String(natsMonitorPort)], { stdio: 'ignore' }));
    infra.push(spawn(REDIS_BIN, ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: 'ignore' }));
    await Promise.all([waitPort(natsPort), waitPort(redisPort)]);
    await mysqlExec(`CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    dbCreated = true;
    const originDir = join(dir, 'origin');
    mkdirSync(originDir, { recursive: true });
    const configFile = join(dir, 'cluster.json');
    writeFileSync(configFile, JSON.stringify({ ...BENCH_LIMITS, files: { originDir } }));
    const common = {
      SWITCHBOARD_CONFIG: configFile, SWITCHBOARD_ADMIN_PASSWORD: ADMIN_PASSWORD,
      SWITCHBOARD_NATS_URL: `nats://127.0.0.1:${natsPort}`, SWITCHBOARD_REDIS_URL: `redis://127.0.0.1:${redisPort}/0`,
    };
    const centrals: ChildProcess[] = [];
    for (let i = 0; i < opts.centrals; i++) {
      const c = await spawnCentral({ ...common, SWITCHBOARD_DATA_DIR: join(dir, `central-${i}`), SWITCHBOARD_MYSQL_URL: `${MYSQL_ROOT}/${database}` }, opts.centralProfileDir);
      centrals.push(c);
      children.push(c);
    }
    const relayUrls: string[] = [];
    const relays: ChildProcess[] = [];
    for (let i = 0; i < opts.relays; i++) {
      const port = await freePort();
      const r = spawnQuiet('relay', { ...common, SWITCHBOARD_DATA_DIR: join(dir, `relay-${i}`), SWITCHBOARD_PORT: String(port) });
      relays.push(r);
      children.push(r);
      relayUrls.push(`http://127.0.0.1:${port}`);
      await waitHealthy(relayUrls[i]!, r);
    }
    log(`cluster: ${opts.centrals} central (MariaDB ${database}), ${opts.relays} relays, NATS :${natsPort}, Redis :${redisPort}`);
    log(`seeding ${opts.pairs} pairs…`);
    const seeded = await seedPairs(relayUrls[0]!, ADMIN_PASSWORD, opts.pairs, 'c');
    // Even pairs talk within one relay, odd pairs across two.
    const pairs: Pair[] = seeded.map((p, i) => {
      const home = i % opts.relays;
      const cross = i % 2 === 1;
      return { ...p, senderUrl: relayUrls[home], receiverUrl: relayUrls[cross ? (home + 1) % opts.relays : home], tag: cross ? 'cross' : 'same' };
    });
    const rssIdle = [...centrals, ...relays].reduce((sum, c) => sum + rssMib(c.pid!), 0);
    const mariadb = await mysqlServerPid();
    const busBefore = await natsCounters(natsMonitorPort);
    const cluster = await measure(relayUrls[0]!, pairs, opts, 'cluster', {
      central: centrals.map((c) => c.pid!), relay: relays.map((c) => c.pid!), nats: [infra[0]!.pid!], redis: [infra[1]!.pid!],
      ...(mariadb ? { mariadb: [mariadb] } : {}),
    });
    const busAfter = await natsCounters(natsMonitorPort);
    // Both phases (max and fixed rate), per message delivered in them: how much bus traffic one message costs.
    const deliveredBoth = Math.max(1, cluster.max.delivered + cluster.fixed.delivered);
    const bus = {
      msgs_per_delivered: round3((busAfter.in_msgs - busBefore.in_msgs) / deliveredBoth),
      bytes_per_delivered: Math.round((busAfter.in_bytes - busBefore.in_bytes) / deliveredBoth),
    };
    const rssCentrals = centrals.map((c) => rssMib(c.pid!));
    const rssRelays = relays.map((c) => rssMib(c.pid!));
    const check = await verifyStored(relayUrls[0]!, pairs);
    await stopAll(children.splice(0), 'SIGTERM');
    await stopAll(infra.splice(0), 'SIGKILL');

    // ---- all-in-one, same generator, same run -------------------------------
    const aioPort = await freePort();
    const aioUrl = `http://127.0.0.1:${aioPort}`;
    const aio = spawnQuiet('all-in-one', {
      SWITCHBOARD_DATA_DIR: join(dir, 'aio'), SWITCHBOARD_PORT: String(aioPort), SWITCHBOARD_ADMIN_PASSWORD: ADMIN_PASSWORD, SWITCHBOARD_CONFIG: configFileFor(dir),
    });
    children.push(aio);
    await waitHealthy(aioUrl, aio);
    const aioPairs = await seedPairs(aioUrl, ADMIN_PASSWORD, opts.pairs, 'a');
    const single = await measure(aioUrl, aioPairs, opts, 'all-in-one', { node: [aio.pid!] });
    await stopAll(children.splice(0), 'SIGTERM');

    // ---- all-in-one on the same MariaDB store: what the store alone allows ------
    let singleMysql: Measured | null = null;
    if (opts.withMysqlAllInOne) {
      await mysqlExec(`DROP DATABASE IF EXISTS \`${database}\``);
      await mysqlExec(`CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
      const port = await freePort();
      const url = `http://127.0.0.1:${port}`;
      const node = spawnQuiet('all-in-one', {
        SWITCHBOARD_DATA_DIR: join(dir, 'aio-mysql'), SWITCHBOARD_PORT: String(port), SWITCHBOARD_ADMIN_PASSWORD: ADMIN_PASSWORD,
        SWITCHBOARD_CONFIG: configFileFor(dir), SWITCHBOARD_MYSQL_URL: `${MYSQL_ROOT}/${database}`,
      });
      children.push(node);
      await waitHealthy(url, node);
      singleMysql = await measure(url, await seedPairs(url, ADMIN_PASSWORD, opts.pairs, 'm'), opts, 'all-in-one on MariaDB', {
        node: [node.pid!], ...(mariadb ? { mariadb: [mariadb] } : {}),
      });
      await stopAll(children.splice(0), 'SIGTERM');
    }

    const delivered = Math.round(cluster.max.delivered / cluster.max.elapsed_s);
    const aioPerS = Math.round(single.max.delivered / single.max.elapsed_s);
    return {
      bench: 'cluster',
      topology: `${opts.centrals} central (MariaDB) + ${opts.relays} relays + NATS + Redis, one machine`,
      delivered_per_s: delivered,
      p50_ms: round(cluster.fixed.latencies_ms.p50),
      p99_ms: round(cluster.fixed.latencies_ms.p99),
      offered_per_s: opts.ratePerS,
      cross_relay_p99_ms: round(cluster.fixed.by_tag?.cross?.p99 ?? 0),
      same_relay_p99_ms: round(cluster.fixed.by_tag?.same?.p99 ?? 0),
      lost: cluster.max.lost + cluster.fixed.lost,
      duplicated: cluster.max.duplicated + cluster.fixed.duplicated,
      stored_gaps: check.gaps,
      stored_vs_acked: check.stored - (cluster.max.acked + cluster.fixed.acked),
      errors: cluster.max.errors + cluster.fixed.errors,
      connections: pairs.length * 2,
      rss_mib: round(rssCentrals.reduce((a, b) => a + b, 0) + rssRelays.reduce((a, b) => a + b, 0)),
      rss_idle_mib: round(rssIdle),
      rss_centrals_mib: rssCentrals,
      rss_relays_mib: rssRelays,
      cpu_ms_per_msg: cluster.cpuMsPerMsg,
      bus_msgs_per_delivered: bus.msgs_per_delivered,
      bus_bytes_per_delivered: bus.bytes_per_delivered,
      all_in_one_per_s: aioPerS,
      all_in_one_cpu_ms_per_msg: single.cpuMsPerMsg,
      all_in_one_p50_ms: round(single.fixed.latencies_ms.p50),
      all_in_one_p99_ms: round(single.fixed.latencies_ms.p99),
      all_in_one_lost: single.max.lost + single.fixed.lost,
      all_in_one_duplicated: single.max.duplicated + single.fixed.duplicated,
      ratio: round(delivered / aioPerS),
      ...(singleMysql ? {
        all_in_one_mysql_per_s: Math.round(singleMysql.max.delivered / singleMysql.max.elapsed_s),
        all_in_one_mysql_p99_ms: round(singleMysql.fixed.latencies_ms.p99),
        all_in_one_mysql_cpu_ms_per_msg: singleMysql.cpuMsPerMsg,
        ratio_vs_mysql_all_in_one: round(delivered / (singleMysql.max.delivered / singleMysql.max.elapsed_s)),
      } : {}),
      duration_s: opts.durationMs / 1000,
      window: opts.window,
      node: process.version,
    };
  } finally {
    await stopAll([...children, ...infra], 'SIGKILL');
    if (dbCreated) await mysqlExec(`DROP DATABASE IF EXISTS \`${database}\``).catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The all-in-one run gets the same raised limits as the cluster, nothing else. */
function configFileFor(dir: string): string {
  const file = join(dir, 'aio.json');
  writeFileSync(file, JSON.stringify(BENCH_LIMITS));
  return file;
}
