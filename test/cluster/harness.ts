import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { ApiClient } from '../../shared/sdk/api.js';
import { exited, freePort, spawnNode } from '../helpers/process.js';
import { waitPort } from '../../scripts/bench/common.js';

/**
 * A real cluster on this machine: central ×N (one MariaDB database, one shared
 * file origin), relays ×M (each its own port and file cache, each reaching
 * NATS through a cuttable TCP proxy), a private nats-server and a private
 * redis-server on free ports, so the tests may restart them without touching
 * anyone else's. A fresh database per run, dropped at the end.
 */
export const NATS_BIN = process.env.SWITCHBOARD_NATS_SERVER ?? '/usr/sbin/nats-server';
export const REDIS_BIN = process.env.SWITCHBOARD_REDIS_SERVER ?? 'redis-server';
/** The cluster's master key of encryption at rest (a test key, base64 of 32 bytes). */
export const CLUSTER_MASTER_KEY = Buffer.alloc(32, 7).toString('base64');
export const MYSQL_ROOT = process.env.SWITCHBOARD_TEST_MYSQL ?? 'mysql://root@127.0.0.1:3306';
export const ADMIN_PASSWORD = 'cluster-admin-password';
/** Redis database number used by the cluster tests (flushed at start). */
export const REDIS_DB = 7;

type Proc = ChildProcess & { output: () => string };

/** A TCP forwarder that can be cut (all connections dropped, new ones refused) and restored. */
export class CuttableProxy {
  private server: Server | null = null;
  private sockets = new Set<Socket>();
  private cutOff = false;

  constructor(readonly port: number, private readonly target: () => number) {}

  async start(): Promise<void> {
    this.server = createServer((client) => {
      if (this.cutOff) { client.destroy(); return; }
      const upstream = createConnection({ host: '127.0.0.1', port: this.target() });
      this.sockets.add(client);
      this.sockets.add(upstream);
      const drop = () => { client.destroy(); upstream.destroy(); this.sockets.delete(client); this.sockets.delete(upstream); };
      client.on('error', drop).on('close', drop);
      upstream.on('error', drop).on('close', drop);
      client.pipe(upstream);
      upstream.pipe(client);
    });
    await new Promise<void>((resolve, reject) => { this.server!.once('error', reject); this.server!.listen(this.port, '127.0.0.1', () => resolve()); });
  }

  /** Drops every connection and refuses new ones: the far side sees its link die. */
  cut(): void {
    this.cutOff = true;
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
  }

  restore(): void { this.cutOff = false; }

  async stop(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

export interface RelayHandle {
  index: number;
  port: number;
  url: string;
  cacheDir: string;
  proxy: CuttableProxy | null;
  proc: Proc | null;
}

export interface ClusterOptions {
  centrals?: number;
  relays?: number;
  /** Route each relay's NATS connection through a proxy the test can cut (default true). */
  proxies?: boolean;
  /** Extra configuration merged into every node's config file. */
  config?: Record<string, unknown>;
  /** Log level for the nodes (default warn; central always logs its readiness). */
  logLevel?: string;
}


async function waitHealthy(proc: Proc, url: string, timeoutMs = 20_000): Promise<Proc> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`exited with ${proc.exitCode}: ${proc.output()}`);
    try { if ((await fetch(url)).ok) return proc; } catch { /* not up yet */ }
    if (Date.now() > until) { proc.kill('SIGKILL'); throw new Error(`${url} did not become healthy: ${proc.output()}`); }
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function mysqlExec(sql: string): Promise<void> {
  const mysql = await import('mysql2/promise');
  const conn = await mysql.createConnection(MYSQL_ROOT);
  try { await conn.query(sql); } finally { await conn.end(); }
}

/** Every process a cluster started, killed if this test process ends without its teardown (timeout, signal). */
const started = new Set<ChildProcess>();
let guarded = false;
function track<T extends ChildProcess>(child: T): T {
  started.add(child);
  child.once('exit', () => started.delete(child));
  if (!guarded) {
    guarded = true;
    const killAll = () => { for (const c of started) { try { c.kill('SIGKILL'); } catch { /* gone */ } } };
    process.once('exit', killAll);
    for (const sig of ['SIGALRM', 'SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
      process.once(sig, () => { killAll(); process.exit(1); });
    }
  }
  return child;
}

export class Cluster {
  readonly dir: string;
  readonly originDir: string;
  readonly database: string;
  natsPort = 0;
  redisPort = 0;
  nats: Proc | null = null;
  redis: Proc | null = null;
  centrals: (Proc | null)[] = [];
  relays: RelayHandle[] = [];
  private configFile: string;
  private stopped = false;

  private constructor(private readonly opts: Required<Omit<ClusterOptions, 'config'>> & { config: Record<string, unknown> }) {
    this.dir = mkdtempSync(join(tmpdir(), 'sb-cluster-'));
    this.originDir = join(this.dir, 'origin');
    mkdirSync(this.originDir, { recursive: true });
    this.database = `sb_cluster_${process.pid}_${randomBytes(3).toString('hex')}`;
    this.configFile = join(this.dir, 'cluster.json');
  }

  static async start(options: ClusterOptions = {}): Promise<Cluster> {
    const c = new Cluster({
      centrals: options.centrals ?? 2, relays: options.relays ?? 2, proxies: options.proxies ?? true,
      config: options.config ?? {}, logLevel: options.logLevel ?? 'warn',
    });
    try {
      await c.boot();
    } catch (e) {
      await c.stop();
      throw e;
    }
    return c;
  }

  get natsUrl(): string { return `nats://127.0.0.1:${this.natsPort}`; }
  get redisUrl(): string { return `redis://127.0.0.1:${this.redisPort}/${REDIS_DB}`; }
  get mysqlUrl(): string { return `${MYSQL_ROOT}/${this.database}`; }
  get urls(): string[] { return this.relays.map((r) => r.url); }

  private async boot(): Promise<void> {
    writeFileSync(this.configFile, JSON.stringify(this.nodeConfig()));
    this.natsPort = await freePort();
    this.redisPort = await freePort();
    await Promise.all([this.startNats(), this.startRedis()]);
    await this.redisCommand(['-n', String(REDIS_DB), 'FLUSHDB']);
    await mysqlExec(`CREATE DATABASE \`${this.database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    // Centrals one after another: the first one creates the schema and the first administrator.
    for (let i = 0; i < this.opts.centrals; i++) this.centrals.push(await this.spawnCentral(i));
    for (let i = 0; i < this.opts.relays; i++) {
      const port = await freePort();
      const proxy = this.opts.proxies ? new CuttableProxy(await freePort(), () => this.natsPort) : null;
      await proxy?.start();
      const relay: RelayHandle = { index: i, port, url: `http://127.0.0.1:${port}`, cacheDir: join(this.dir, `relay-${i}`, 'cache'), proxy, proc: null };
      this.relays.push(relay);
    }
    await Promise.all(this.relays.map((r) => this.startRelay(r.index)));
  }

  private env(kind: 'central' | 'relay', index: number, natsPort: number): Record<string, string> {
    const env: Record<string, string> = {
      SWITCHBOARD_CONFIG: this.configFile,
      SWITCHBOARD_DATA_DIR: join(this.dir, `${kind}-${index}`),
      SWITCHBOARD_NATS_URL: `nats://127.0.0.1:${natsPort}`,
      SWITCHBOARD_REDIS_URL: this.redisUrl,
      SWITCHBOARD_ADMIN_PASSWORD: ADMIN_PASSWORD,
      SWITCHBOARD_LOG_LEVEL: kind === 'central' ? 'info' : this.opts.logLevel,
    };
    if (kind === 'central') {
      env.SWITCHBOARD_MYSQL_URL = this.mysqlUrl;
      // Every central of the cluster shares one master key, as in production.
      env.SWITCHBOARD_MASTER_KEY = CLUSTER_MASTER_KEY;
    }
    return env;
  }

  private async spawnCentral(index: number): Promise<Proc> {
    const proc = track(await spawnNode('central', this.env('central', index, this.natsPort), null));
    const until = Date.now() + 20_000;
    while (!proc.output().includes('central ready')) {
      if (proc.exitCode !== null) throw new Error(`central ${index} exited: ${proc.output()}`);
      if (Date.now() > until) { proc.kill('SIGKILL'); throw new Error(`central ${index} not ready: ${proc.output()}`); }
      await new Promise((r) => setTimeout(r, 50));
    }
    return proc;
  }

  async startCentral(index: number): Promise<void> {
    if (this.centrals[index]) throw new Error(`central ${index} is running`);
    this.centrals[index] = await this.spawnCentral(index);
  }

  /** kill -9: no shutdown, no drain. */
  async killCentral(index: number): Promise<void> {
    const p = this.centrals[index];
    if (!p) return;
    p.kill('SIGKILL');
    await exited(p);
    this.centrals[index] = null;
  }

  async startRelay(index: number): Promise<void> {
    const r = this.relays[index]!;
    if (r.proc) throw new Error(`relay ${index} is running`);
    const env = { ...this.env('relay', index, r.proxy?.port ?? this.natsPort), SWITCHBOARD_PORT: String(r.port) };
    // One config file per relay: the shared settings plus its own cache directory (kept across its restarts).
    const file = join(this.dir, `relay-${index}.json`);
    writeFileSync(file, JSON.stringify(this.nodeConfig({ relayCacheDir: r.cacheDir })));
    const proc = spawnNode('relay', { ...env, SWITCHBOARD_CONFIG: file }, null);
    track(await proc);
    r.proc = await waitHealthy(await proc, `${r.url}/healthz`);
  }

  private nodeConfig(files: Record<string, unknown> = {}): Record<string, unknown> {
    const extra = this.opts.config;
    return {
      bus: { kind: 'nats', servers: ['nats://127.0.0.1:4222'], requestTimeoutMs: 3_000 },
      limits: { framesPerSecond: 1_000, frameBurst: 5_000, sendsPerUserPer10s: 100_000, loginAttemptsPerMinute: 10_000 },
      ...extra,
      files: { ...(extra.files as Record<string, unknown> | undefined), originDir: this.originDir, ...files },
    };
  }

  async killRelay(index: number): Promise<void> {
    const r = this.relays[index]!;
    if (!r.proc) return;
    r.proc.kill('SIGKILL');
    await exited(r.proc);
    r.proc = null;
  }

  /** Cuts one relay off from NATS (and so from central); its clients stay connected to it. */
  cutRelay(index: number): void { this.relays[index]!.proxy!.cut(); }
  restoreRelay(index: number): void { this.relays[index]!.proxy!.restore(); }

  private async startNats(): Promise<void> {
    const p = spawn(NATS_BIN, ['-a', '127.0.0.1', '-p', String(this.natsPort), '--no_advertise'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    p.stderr.on('data', (d: Buffer) => { out += d.toString(); });
    this.nats = track(Object.assign(p, { output: () => out }));
    await waitPort(this.natsPort).catch((e: Error) => { throw new Error(`${e.message}: ${out}`); });
  }

  private async startRedis(): Promise<void> {
    const p = spawn(REDIS_BIN, ['--port', String(this.redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', this.dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    p.stderr.on('data', (d: Buffer) => { out += d.toString(); });
    this.redis = track(Object.assign(p, { output: () => out }));
    await waitPort(this.redisPort).catch((e: Error) => { throw new Error(`${e.message}: ${out}`); });
  }

  /** Stops NATS (kill -9), waits `downMs`, starts it again on the same port. */
  async restartNats(downMs = 500): Promise<void> {
    if (this.nats) { this.nats.kill('SIGKILL'); await exited(this.nats); }
    await new Promise((r) => setTimeout(r, downMs));
    await this.startNats();
  }

  /** Stops Redis (kill -9), starts it again empty (nothing is saved), and flushes it for good measure. */
  async restartRedis(downMs = 500): Promise<void> {
    if (this.redis) { this.redis.kill('SIGKILL'); await exited(this.redis); }
    await new Promise((r) => setTimeout(r, downMs));
    await this.startRedis();
    await this.redisCommand(['-n', String(REDIS_DB), 'FLUSHDB']);
  }

  redisCommand(args: string[]): Promise<string> {
    return new Promise((resolve, reject) => {
      const p = spawn('redis-cli', ['-p', String(this.redisPort), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      p.stdout.on('data', (d: Buffer) => { out += d.toString(); });
      p.on('error', reject);
      p.on('exit', (code) => (code === 0 ? resolve(out.trim()) : reject(new Error(`redis-cli ${args.join(' ')}: ${code}`))));
    });
  }

  async adminApi(relay = 0): Promise<ApiClient> {
    const url = this.relays[relay]!.url;
    const login = await new ApiClient(url).call('auth.login', { account: 'admin', password: ADMIN_PASSWORD, device_type: 'cli' });
    return new ApiClient(url, login.token);
  }

  /** Everything the nodes printed, for failure reports. */
  logs(): string {
    const parts = [
      ...this.centrals.map((p, i) => `--- central ${i}\n${p?.output().slice(-3_000) ?? '(down)'}`),
      ...this.relays.map((r) => `--- relay ${r.index}\n${r.proc?.output().slice(-3_000) ?? '(down)'}`),
    ];
    return parts.join('\n');
  }

  /** Kills everything this cluster started and drops its database; safe to call twice and after a failed start. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    const procs: Proc[] = [...this.relays.map((r) => r.proc), ...this.centrals, this.nats, this.redis].filter((p): p is Proc => !!p);
    for (const p of procs) p.kill('SIGKILL');
    await Promise.all(procs.map((p) => exited(p)));
    await Promise.all(this.relays.map((r) => r.proxy?.stop()));
    await mysqlExec(`DROP DATABASE IF EXISTS \`${this.database}\``).catch(() => {});
    rmSync(this.dir, { recursive: true, force: true });
  }
}
