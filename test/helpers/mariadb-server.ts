import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { accessSync, constants, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import mysql, { type Connection } from 'mysql2/promise';
import { freePort } from './process.js';

/**
 * A MariaDB server of the test's own: a fresh data directory, its own port and
 * Unix socket, optionally TLS with the given PEM files and
 * require_secure_transport. Root (no password) reaches it over the socket,
 * which the server counts as secure; TCP clients are whatever the test creates.
 */
export interface OwnMariadb {
  host: string;
  port: number;
  socket: string;
  /** A root connection over the Unix socket; closed by stop(). */
  admin(): Promise<Connection>;
  /** Kills the server and removes its data directory; safe to call twice. */
  stop(): Promise<void>;
}

export interface MariadbTls {
  caFile: string;
  certFile: string;
  keyFile: string;
  /** Refuse every TCP connection that is not TLS (default true). */
  requireSecureTransport?: boolean;
}

function findExecutable(name: string): string | null {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/local/sbin', '/usr/local/bin', '/usr/bin'];
  for (const dir of dirs) {
    if (!dir) continue;
    const file = join(dir, name);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch { /* not here */ }
  }
  return null;
}

/** Null when the MariaDB server binaries are installed, else why a test cannot start its own server. */
export function mariadbMissing(): string | null {
  const missing = ['mariadbd', 'mariadb-install-db'].filter((b) => !findExecutable(b));
  return missing.length ? `${missing.join(' and ')} not found (install mariadb-server)` : null;
}

const asRoot = process.getuid?.() === 0;
// The server dies with this process even when the test runner kills it outright (setpriv is util-linux).
const setpriv = process.platform === 'linux' && spawnSync('setpriv', ['--version']).status === 0;

export async function ownMariadb(opts: { tls?: MariadbTls; serverArgs?: string[] } = {}): Promise<OwnMariadb> {
  const why = mariadbMissing();
  if (why) throw new Error(why);
  const dir = mkdtempSync(join(tmpdir(), 'sb-mariadb-'));
  const datadir = join(dir, 'data');
  const socket = join(dir, 'sock');
  const errorLog = join(dir, 'error.log');
  const port = await freePort();
  const clients: Connection[] = [];
  let child: ChildProcess | null = null;
  // A test that crashes still takes its server (and, best effort, its files) along.
  const onExit = () => {
    child?.kill('SIGKILL');
    try { rmSync(dir, { recursive: true, force: true, maxRetries: 3 }); } catch { /* the server may still be closing files */ }
  };
  process.once('exit', onExit);

  const stop = async () => {
    process.removeListener('exit', onExit);
    await Promise.all(clients.splice(0).map((c) => c.end().catch(() => c.destroy())));
    const c = child;
    child = null;
    if (c && c.exitCode === null && c.signalCode === null) {
      const gone = new Promise((res) => c.once('exit', res));
      c.kill('SIGKILL');
      await gone;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const errorTail = () => (existsSync(errorLog) ? readFileSync(errorLog, 'utf8').split('\n').slice(-15).join('\n') : '');

  try {
    const user = asRoot ? ['--user=root'] : [];
    const small = ['--skip-log-bin', '--innodb-buffer-pool-size=32M', '--innodb-log-file-size=8M', '--skip-name-resolve'];
    await promisify(execFile)(findExecutable('mariadb-install-db')!, [
      '--no-defaults', '--auth-root-authentication-method=normal', '--skip-test-db', `--datadir=${datadir}`, ...user, ...small,
    ], { timeout: 60_000 }).catch((e: Error & { stdout?: string; stderr?: string }) => {
      throw new Error(`mariadb-install-db failed: ${e.message}\n${e.stdout ?? ''}${e.stderr ?? ''}`);
    });

    const tls = opts.tls
      ? [`--ssl-ca=${opts.tls.caFile}`, `--ssl-cert=${opts.tls.certFile}`, `--ssl-key=${opts.tls.keyFile}`,
        `--require-secure-transport=${opts.tls.requireSecureTransport === false ? 'OFF' : 'ON'}`]
      : [];
    const args = [
      '--no-defaults', `--datadir=${datadir}`, `--port=${port}`, '--bind-address=127.0.0.1', `--socket=${socket}`,
      `--pid-file=${join(dir, 'mariadbd.pid')}`, `--log-error=${errorLog}`, ...user, ...small,
      '--performance-schema=OFF', '--innodb-flush-log-at-trx-commit=2', '--max-connections=100', ...tls, ...(opts.serverArgs ?? []),
    ];
    const bin = findExecutable('mariadbd')!;
    const started = setpriv ? spawn('setpriv', ['--pdeathsig', 'KILL', '--', bin, ...args], { stdio: 'ignore' })
      : spawn(bin, args, { stdio: 'ignore' });
    child = started;

    const until = Date.now() + 20_000;
    for (;;) {
      if (started.exitCode !== null || started.signalCode !== null) throw new Error(`mariadbd exited (${started.exitCode ?? started.signalCode}):\n${errorTail()}`);
      const ready = existsSync(socket) && await mysql.createConnection({ socketPath: socket, user: 'root', connectTimeout: 1_000 })
        .then(async (c) => { await c.query('SELECT 1'); await c.end(); return true; }, () => false);
      if (ready) break;
      if (Date.now() > until) throw new Error(`mariadbd did not accept connections:\n${errorTail()}`);
      await new Promise((res) => setTimeout(res, 50));
    }
  } catch (e) {
    await stop();
    throw e;
  }

  return {
    host: '127.0.0.1', port, socket,
    async admin() {
      const c = await mysql.createConnection({ socketPath: socket, user: 'root', multipleStatements: true });
      clients.push(c);
      return c;
    },
    stop,
  };
}
