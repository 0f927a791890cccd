import { fork, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { join } from 'node:path';
import type { GeneratorTask } from './generator.js';

/** Shared pieces of the benchmarks: processes, ports, memory readings. */
export const log = (...args: unknown[]): void => { process.stderr.write(`${args.map(String).join(' ')}\n`); };

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => { const { port } = srv.address() as { port: number }; srv.close(() => resolve(port)); });
    srv.on('error', reject);
  });
}

export function rssMib(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 102.4) / 10;
}

/** CPU time (user + system) a process has used so far, in ms; null once it is gone. Linux clock ticks are 1/100 s. */
export function cpuMs(pid: number): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return null;
  }
}

/** CPU used by named processes while `work` runs, in ms per role. */
export async function cpuDuring<T>(pids: Record<string, number[]>, work: () => Promise<T>): Promise<{ result: T; cpuMs: Record<string, number> }> {
  const read = () => Object.fromEntries(Object.entries(pids).map(([role, list]) => [role, list.reduce((sum, pid) => sum + (cpuMs(pid) ?? 0), 0)]));
  const before = read();
  const result = await work();
  const after = read();
  return { result, cpuMs: Object.fromEntries(Object.keys(pids).map((role) => [role, after[role]! - before[role]!])) };
}

export async function waitHealthy(url: string, child: ChildProcess, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`process exited with ${child.exitCode}`);
    try { if ((await fetch(`${url}/healthz`)).ok) return; } catch { /* not yet */ }
    if (Date.now() > until) throw new Error(`${url} did not become healthy`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** `switchboard <role>` as a child process with a raised file limit. */
export function spawnSwitchboard(role: string, env: Record<string, string>): ChildProcess {
  const child = spawn('bash', ['-c', `ulimit -n 65536 2>/dev/null || ulimit -n 20000; exec "${process.execPath}" dist/scripts/switchboard.js ${role}`], {
    env: { ...process.env, SWITCHBOARD_LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'inherit', 'inherit'],
  });
  return child;
}

/** Runs one generator task in a fresh process; idle tasks keep their process (and sockets) until killed. */
export function runGenerator<T>(task: GeneratorTask): Promise<{ result: T; child: ChildProcess }> {
  const child = fork(join(import.meta.dirname, 'generator.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: ['--max-old-space-size=4096'] });
  return new Promise((resolve, reject) => {
    child.once('message', (m: { ok: boolean; result?: T; error?: string }) => {
      if (m.ok) resolve({ result: m.result as T, child }); else { child.kill(); reject(new Error(m.error)); }
    });
    child.once('exit', (code) => reject(new Error(`generator exited with ${code}`)));
    child.send(task);
  });
}

/** Resolves once something accepts TCP connections on the port. */
export async function waitPort(port: number, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = createConnection({ host: '127.0.0.1', port }, () => { s.destroy(); resolve(true); });
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > until) throw new Error(`nothing listens on ${port}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
