import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { freePort } from '../bench/common.js';

export const FUZZ_ADMIN_PASSWORD = 'fuzz-admin-password-1';

/**
 * The node under fuzz: `switchboard all-in-one` as a child process with its own data directory and port,
 * so that its exit, resident memory and descriptors are its own and cannot be confused with the fuzzer's.
 */
export interface Target {
  url: string;
  pid: number;
  dataDir: string;
  /** Set once the process has exited (it never should while the fuzz runs). */
  exit: { code: number | null; signal: string | null } | null;
  /** Lines the node logged at level error or fatal (with their stacks). */
  errorLines: string[];
  rssMb(): number;
  /** Asks the node for a full garbage collection (through its inspector), so that memory reads as what is live. */
  collectGarbage(): Promise<void>;
  fds(): number;
  /** Processor time used so far (user + system), in seconds. */
  cpuSeconds(): number;
  /** Upload temp files the relay still holds. */
  tempFiles(): number;
  /** Output of the node, last part. */
  output(): string;
  stop(): Promise<void>;
}

/** A reading of /proc, or NaN once the process is gone (its exit is reported on its own). */
function gone(read: () => number): number {
  try {
    return read();
  } catch {
    return NaN;
  }
}

export async function startTarget(opts: { keepDataDir?: boolean; env?: Record<string, string>; dataRoot?: string } = {}): Promise<Target> {
  const dataDir = mkdtempSync(join(opts.dataRoot ?? tmpdir(), 'sb-fuzz-'));
  const port = await freePort();
  // The inspector (loopback, a port of its own) is there only to ask for a full collection before memory is read:
  // without one, the heap holds whatever garbage the fuzz left, and a reading says more about V8's timing than leaks.
  const child: ChildProcess = spawn(process.execPath, ['--inspect=127.0.0.1:0', 'dist/scripts/switchboard.js', 'all-in-one'], {
    cwd: process.cwd(),
    env: {
      ...process.env, SWITCHBOARD_PORT: String(port), SWITCHBOARD_HOST: '127.0.0.1', SWITCHBOARD_DATA_DIR: dataDir,
      SWITCHBOARD_ADMIN_ACCOUNT: 'admin', SWITCHBOARD_ADMIN_PASSWORD: FUZZ_ADMIN_PASSWORD, SWITCHBOARD_LOG_LEVEL: 'warn', ...opts.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const errorLines: string[] = [];
  const take = (d: Buffer) => {
    const text = d.toString();
    out = (out + text).slice(-200_000);
    for (const line of text.split('\n')) if (/"level":(50|60)/.test(line) && errorLines.length < 50) errorLines.push(line.slice(0, 4_000));
  };
  child.stdout!.on('data', take);
  child.stderr!.on('data', take);
  const target: Target = {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    dataDir,
    exit: null,
    errorLines,
    rssMb: () => gone(() => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024),
    fds: () => gone(() => readdirSync(`/proc/${child.pid}/fd`).length),
    // Fields 14 and 15 of /proc/<pid>/stat, after the parenthesised command name; clock ticks are 1/100 s on Linux.
    cpuSeconds: () => gone(() => {
      const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ');
      return (Number(fields[11]) + Number(fields[12])) / 100;
    }),
    tempFiles: () => {
      const dir = join(dataDir, 'relay-cache', 'tmp');
      return existsSync(dir) ? readdirSync(dir).length : 0;
    },
    output: () => out,
    async collectGarbage() {
      const url = /Debugger listening on (ws:\/\/\S+)/.exec(out)?.[1];
      if (!url || target.exit) return;
      const ws = new WebSocket(url);
      await new Promise<void>((resolve, reject) => { ws.once('open', () => resolve()); ws.once('error', reject); });
      for (let id = 1; id <= 2; id++) {
        ws.send(JSON.stringify({ id, method: 'HeapProfiler.collectGarbage' }));
        await new Promise<void>((resolve) => ws.on('message', function done(d: Buffer) {
          if ((JSON.parse(d.toString()) as { id?: number }).id === id) { ws.off('message', done); resolve(); }
        }));
      }
      ws.close();
    },
    async stop() {
      if (target.exit === null) {
        child.kill('SIGTERM');
        const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await new Promise((r) => child.once('exit', r));
        clearTimeout(killer);
      }
      if (!opts.keepDataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
  child.on('exit', (code, signal) => { target.exit = { code, signal }; });
  const until = Date.now() + 30_000;
  for (;;) {
    if (target.exit) throw new Error(`the node exited at start (${JSON.stringify(target.exit)}): ${out}`);
    try {
      if ((await fetch(`${target.url}/healthz`)).ok) return target;
    } catch { /* not listening yet */ }
    if (Date.now() > until) { await target.stop(); throw new Error(`the node did not become healthy: ${out}`); }
    await new Promise((r) => setTimeout(r, 100));
  }
}
