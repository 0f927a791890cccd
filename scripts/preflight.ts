import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, readdirSync } from 'node:fs';
import { connect } from 'node:net';
import { delimiter, join } from 'node:path';

/**
 * What the test suites need from the machine, checked in the first seconds of
 * `npm test`: the services the contract and cluster suites talk to, the
 * binaries the tests start private servers from, and Debian's Chromium for
 * the browser suite (installed here when running as root with apt-get). Anything
 * else missing stops the run at once with the exact commands to type.
 */
export interface Service { name: string; env: string; url: string; suites: string[]; start: string; binary: string; apt: string }

export const SERVICES: Service[] = [
  { name: 'MariaDB', env: 'SWITCHBOARD_TEST_MYSQL', url: 'mysql://root@127.0.0.1:3306', suites: ['contract', 'cluster'],
    start: 'start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd', binary: 'mariadbd', apt: 'mariadb-server' },
  { name: 'Redis', env: 'SWITCHBOARD_TEST_REDIS', url: 'redis://127.0.0.1:6379', suites: ['contract'],
    start: 'redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no', binary: 'redis-server', apt: 'redis-server' },
  { name: 'NATS', env: 'SWITCHBOARD_TEST_NATS', url: 'nats://127.0.0.1:4222', suites: ['contract'],
    start: 'nats-server -a 127.0.0.1 -p 4222 -js &', binary: 'nats-server', apt: 'nats-server' },
];

/** Binaries the tests run themselves (private MariaDB, Redis and NATS servers, certificates), and their Debian package. */
export const BINARIES: { binary: string; apt: string; suites: string[] }[] = [
  { binary: 'mariadbd', apt: 'mariadb-server', suites: ['contract'] },
  { binary: 'mariadb-install-db', apt: 'mariadb-server', suites: ['contract'] },
  { binary: 'redis-server', apt: 'redis-server', suites: ['contract', 'cluster'] },
  { binary: 'redis-cli', apt: 'redis-tools', suites: ['contract'] },
  { binary: 'nats-server', apt: 'nats-server', suites: ['contract', 'cluster'] },
  { binary: 'openssl', apt: 'openssl', suites: ['integration', 'contract'] },
];

export const SKIP_BROWSER = 'SWITCHBOARD_SKIP_BROWSER';

export interface Facts {
  suites: string[];
  root: boolean;
  aptGet: boolean;
  /** apt has package lists (a fresh image has none until apt-get update). */
  aptLists: boolean;
  chromium: { path: string; present: boolean; fromEnv: boolean };
  skipBrowser: boolean;
  /** Service name → where it was looked for and whether it answered. */
  services: Record<string, { host: string; port: number; fromEnv: boolean; answering: boolean }>;
  /** Binary name → found in PATH or the sbin directories. */
  binaries: Record<string, boolean>;
}

export interface Plan {
  /** The suites to run. */
  suites: string[];
  /** Said before the run and again above the summary. */
  notes: string[];
  /** Commands to run now (as root) before the tests: installing Chromium. */
  install: string[][];
  /** Why the run cannot start; empty when it can. */
  problems: string[];
  /** The exact commands that fix the problems, in order. */
  commands: string[];
}

const needs = (suites: string[], of: string[]) => of.some((s) => suites.includes(s));

/** "the contract suite needs it", "the contract and cluster suites need it". */
function neededBy(of: string[], suites: string[]): string {
  const by = of.filter((s) => suites.includes(s));
  return `the ${by.join(' and ')} suite${by.length > 1 ? 's need' : ' needs'} it`;
}

/** Decides from the facts alone what to install, what to skip, and what stops the run. */
export function planPreflight(f: Facts): Plan {
  const sudo = f.root ? '' : 'sudo ';
  const packages = new Set<string>();
  const starts: string[] = [];
  const problems: string[] = [];
  const notes: string[] = [];
  let suites = [...f.suites];
  let chromiumNeeded = false;
  let chromiumMissing = false;

  if (suites.includes('browser') && f.skipBrowser) {
    suites = suites.filter((s) => s !== 'browser');
    notes.push(`browser suite skipped (${SKIP_BROWSER}=1): the web client was not tested in a browser`);
  } else if (suites.includes('browser') && !f.chromium.present) {
    chromiumMissing = true;
    if (f.chromium.fromEnv) problems.push(`Chromium is missing at ${f.chromium.path} (SWITCHBOARD_CHROMIUM); the browser suite needs it`);
    else if (!f.aptGet) problems.push(`Chromium is missing at ${f.chromium.path} and there is no apt-get: install Chromium and set SWITCHBOARD_CHROMIUM to its path`);
    else chromiumNeeded = true;
  }

  for (const s of SERVICES) {
    const at = f.services[s.name];
    if (!needs(suites, s.suites) || !at || at.answering) continue;
    const where = `${at.host}:${at.port}`;
    const who = neededBy(s.suites, suites);
    if (at.fromEnv) { problems.push(`${s.name} is not answering at ${where} (${s.env}); ${who}`); continue; }
    const installed = f.binaries[s.binary] ?? false;
    problems.push(`${s.name} is not answering at ${where}${installed ? '' : ` and ${s.binary} is not installed (Debian package ${s.apt})`}; ${who}`);
    if (!installed) packages.add(s.apt);
    starts.push(`${s.name === 'MariaDB' ? sudo : ''}${s.start}`);
  }
  for (const b of BINARIES) {
    if (!needs(suites, b.suites) || f.binaries[b.binary] || packages.has(b.apt)) continue;
    problems.push(`${b.binary} is not installed (Debian package ${b.apt}); the ${b.suites.filter((s) => suites.includes(s)).join(' and ')} tests run it`);
    packages.add(b.apt);
  }

  const update = f.aptLists ? '' : `${sudo}apt-get update && `;
  if (chromiumNeeded && f.root && problems.length === 0) {
    // Root with apt-get and nothing else missing: install it now rather than stop.
    return { suites, notes, problems, commands: [], install: [...(f.aptLists ? [] : [['apt-get', 'update']]), ['apt-get', 'install', '-y', 'chromium']] };
  }
  if (chromiumNeeded) {
    problems.unshift(`Chromium is missing at ${f.chromium.path}; the browser suite needs it`);
    packages.add('chromium');
  }
  const commands = [...(packages.size ? [`${update}${sudo}apt-get install -y ${[...packages].join(' ')}`] : []), ...starts];
  if (chromiumMissing) commands.push(`or skip the browser suite: ${SKIP_BROWSER}=1 npm test`);
  if (starts.length || [...packages].some((p) => p !== 'chromium')) commands.push('or run only the suites that need none of these: npm run test:quick');
  return { suites, notes, problems, commands, install: [] };
}

function onPath(name: string): boolean {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/local/sbin', '/sbin', '/usr/local/bin', '/usr/bin'];
  return dirs.some((dir) => {
    if (!dir) return false;
    try {
      accessSync(join(dir, name), constants.X_OK);
      return true;
    } catch {
      return false; // not in this directory
    }
  });
}

/** True when something accepts a TCP connection there within the timeout. */
export function answers(host: string, port: number, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean) => { socket.destroy(); resolve(ok); };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Looks at this machine: services (in parallel, a second at most), binaries, Chromium, apt. */
export async function gatherFacts(suites: string[], env: NodeJS.ProcessEnv = process.env): Promise<Facts> {
  const services: Facts['services'] = {};
  await Promise.all(SERVICES.map(async (s) => {
    const url = new URL(env[s.env] ?? s.url);
    const host = url.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1';
    const port = Number(url.port || new URL(s.url).port);
    services[s.name] = { host, port, fromEnv: env[s.env] !== undefined, answering: await answers(host, port) };
  }));
  const names = [...new Set([...SERVICES.map((s) => s.binary), ...BINARIES.map((b) => b.binary)])];
  const natsBin = env.SWITCHBOARD_NATS_SERVER;
  const binaries = Object.fromEntries(names.map((n) => [n, n === 'nats-server' && natsBin ? existsSync(natsBin) : onPath(n)]));
  const chromiumPath = env.SWITCHBOARD_CHROMIUM ?? '/usr/bin/chromium';
  const lists = existsSync('/var/lib/apt/lists') && readdirSync('/var/lib/apt/lists').some((n) => n.includes('_Packages'));
  return {
    suites, root: process.getuid?.() === 0, aptGet: onPath('apt-get'), aptLists: lists,
    chromium: { path: chromiumPath, present: existsSync(chromiumPath), fromEnv: env.SWITCHBOARD_CHROMIUM !== undefined },
    skipBrowser: !!env[SKIP_BROWSER] && env[SKIP_BROWSER] !== '0', services, binaries,
  };
}

/** Runs the plan's installs, printing each command; the failing command and its output's tail when one fails. */
export function install(steps: string[][], write: (s: string) => void): string | null {
  for (const [cmd, ...args] of steps) {
    const line = [cmd, ...args].join(' ');
    write(`preflight: running ${line}\n`);
    const r = spawnSync(cmd!, args, { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, encoding: 'utf8', timeout: 15 * 60_000 });
    if (r.status !== 0) {
      const tail = `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? r.error.message : ''}`.trim().split('\n').slice(-8).join('\n');
      return `${line} failed (${r.status ?? r.signal ?? 'not started'}):\n${tail}`;
    }
  }
  return null;
}
