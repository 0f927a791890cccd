import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from './process.js';

/** A redis-server process of the test's own, so it can be stopped, frozen, flushed and restarted. */
export interface OwnRedis {
  url: string;
  port: number;
  /** A plain client for inspecting the data. */
  admin(): Redis;
  start(): Promise<void>;
  kill(): Promise<void>;
  freeze(): void;
  thaw(): void;
  cleanup(): Promise<void>;
}

export function redisServerAvailable(): boolean {
  return spawnSync('redis-server', ['--version']).status === 0;
}

export async function ownRedis(): Promise<OwnRedis> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'sb-redis-'));
  let child: ChildProcess | null = null;
  const clients: Redis[] = [];
  const r: OwnRedis = {
    url: `redis://127.0.0.1:${port}`,
    port,
    admin() {
      const c = new Redis(port, '127.0.0.1', { maxRetriesPerRequest: 2, retryStrategy: (n) => Math.min(n * 50, 300) });
      c.on('error', () => {});
      clients.push(c);
      return c;
    },
    async start() {
      child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
      const probe = new Redis(port, '127.0.0.1', { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
      probe.on('error', () => {});
      const until = Date.now() + 10_000;
      for (;;) {
        try {
          await probe.connect();
          await probe.ping();
          probe.disconnect();
          return;
        } catch {
          probe.disconnect();
          if (Date.now() > until) throw new Error('redis-server did not start');
          await new Promise((res) => setTimeout(res, 50));
        }
      }
    },
    async kill() {
      const c = child;
      child = null;
      if (!c || c.exitCode !== null) return;
      const gone = new Promise((res) => c.once('exit', res));
      c.kill('SIGKILL');
      await gone;
    },
    freeze() { child?.kill('SIGSTOP'); },
    thaw() { child?.kill('SIGCONT'); },
    async cleanup() {
      for (const c of clients) c.disconnect();
      if (child) { child.kill('SIGCONT'); }
      await r.kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await r.start();
  return r;
}

async function portFree(port: number): Promise<boolean> {
  const { createServer } = await import('node:net');
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

/** Three cluster-enabled redis-server processes joined into one Redis Cluster (no replicas). */
export async function ownRedisCluster(): Promise<{ urls: string[]; cleanup(): Promise<void> }> {
  const ports: number[] = [];
  while (ports.length < 3) {
    const p = await freePort();
    // The cluster bus listens on port + 10000.
    if (p + 10_000 < 65_536 && !ports.includes(p) && await portFree(p + 10_000)) ports.push(p);
  }
  const dir = mkdtempSync(join(tmpdir(), 'sb-redis-cluster-'));
  const children = ports.map((port) => spawn('redis-server', [
    '--port', String(port), '--bind', '127.0.0.1', '--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`,
    '--dir', dir, '--save', '', '--appendonly', 'no',
  ], { stdio: 'ignore' }));
  const cleanup = async () => {
    await Promise.all(children.map((c) => (c.exitCode !== null ? undefined : new Promise((res) => { c.once('exit', res); c.kill('SIGKILL'); }))));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (const port of ports) {
      const until = Date.now() + 10_000;
      while (spawnSync('redis-cli', ['-p', String(port), 'ping']).stdout?.toString().trim() !== 'PONG') {
        if (Date.now() > until) throw new Error('cluster node did not start');
        await new Promise((res) => setTimeout(res, 50));
      }
    }
    const made = spawnSync('redis-cli', ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes'], { timeout: 30_000 });
    if (made.status !== 0) throw new Error(`redis-cli --cluster create failed: ${made.stdout?.toString()}`);
    const until = Date.now() + 15_000;
    while (!ports.every((p) => /cluster_state:ok/.test(spawnSync('redis-cli', ['-p', String(p), 'cluster', 'info']).stdout?.toString() ?? ''))) {
      if (Date.now() > until) throw new Error('the cluster did not become ready');
      await new Promise((res) => setTimeout(res, 100));
    }
  } catch (e) {
    await cleanup();
    throw e;
  }
  return { urls: ports.map((p) => `redis://127.0.0.1:${p}`), cleanup };
}
