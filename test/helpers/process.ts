import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

/** A free TCP port on loopback. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

/** Starts `switchboard <role>` as a real child process and waits for /healthz. */
export async function spawnNode(role: string, env: Record<string, string>, healthUrl: string | null, timeoutMs = 15_000): Promise<ChildProcess & { output: () => string }> {
  const child = spawn(process.execPath, ['dist/scripts/switchboard.js', role], {
    cwd: process.cwd(),
    env: { ...process.env, SWITCHBOARD_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr!.on('data', (d: Buffer) => { out += d.toString(); });
  const node = Object.assign(child, { output: () => out });
  if (!healthUrl) return node;
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${role} exited with ${child.exitCode}: ${out}`);
    try {
      const r = await fetch(healthUrl);
      if (r.ok) return node;
    } catch { /* not up yet */ }
    if (Date.now() > until) { child.kill('SIGKILL'); throw new Error(`${role} did not become healthy: ${out}`); }
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}
