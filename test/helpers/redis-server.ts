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
