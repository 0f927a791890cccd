import { log } from './common.js';
import { runCluster } from './cluster.js';
import { runMessaging } from './messaging.js';
import { runDirectory } from './directory.js';
import { runWeb } from './web.js';
import { runFanout } from './fanout.js';
import { runBroadcast } from './broadcast.js';
import { runReadFanout } from './read-fanout.js';
import { runSearch } from './search.js';

/**
 * `npm run bench -- <name> [--json] [--duration S] …`: prints one JSON object
 * on stdout (progress goes to stderr).
 */
function flag(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
}

const BENCHES: Record<string, (args: string[]) => Promise<Record<string, unknown>>> = {
  messaging: (args) => runMessaging({
    pairs: flag(args, '--pairs', 50),
    durationMs: flag(args, '--duration', 10) * 1000,
    window: flag(args, '--window', 16),
    ratePerS: flag(args, '--rate', 2000),
    idle: flag(args, '--idle', 10_000),
  }),
  directory: (args) => runDirectory({
    people: flag(args, '--people', 100_000),
    depts: flag(args, '--depts', 10_000),
    store: args.includes('mysql') ? 'mysql' : 'sqlite',
    clients: flag(args, '--clients', 5_000),
    searches: flag(args, '--searches', 600),
    changes: flag(args, '--changes', 5),
  }),
  // The messaging bench's window; one central per two cores (docs/benchmarks.md has --centrals 2 beside it).
  cluster: (args) => runCluster({
    pairs: flag(args, '--pairs', 50),
    durationMs: flag(args, '--duration', 10) * 1000,
    window: flag(args, '--window', 16),
    ratePerS: flag(args, '--rate', 200),
    centrals: flag(args, '--centrals', 1),
    relays: flag(args, '--relays', 2),
    withMysqlAllInOne: !args.includes('--no-mysql-all-in-one'),
    centralProfileDir: args.includes('--cpu-prof') ? args[args.indexOf('--cpu-prof') + 1] : undefined,
  }),
  web: (args) => runWeb({ runs: flag(args, '--runs', 5) }),
  // One 5,000-member group: fan-out, then "N 人未读" and the who-has-read list (docs/benchmarks.md).
  fanout: (args) => runFanout({
    members: flag(args, '--members', 5000),
    messages: flag(args, '--messages', 20),
    gapMs: flag(args, '--gap', 100),
    readers: flag(args, '--readers', 2500),
    calls: flag(args, '--calls', 200),
  }),
  // Pushes per read in a 5,000-member group, cursors shared against the default limit (docs/benchmarks.md).
  'read-fanout': (args) => runReadFanout({
    members: flag(args, '--members', 5000), senders: flag(args, '--senders', 5),
    rounds: flag(args, '--rounds', 20), readersPerRound: flag(args, '--readers', 50),
  }),
  broadcast: (args) => runBroadcast({ recipients: flag(args, '--recipients', 100_000), mysqlUrl: args.includes('--mysql') ? args[args.indexOf('--mysql') + 1]! : null }),
  search: (args) => runSearch({
    messages: flag(args, '--messages', 1_000_000),
    convs: flag(args, '--convs', 10_000),
    memberOf: flag(args, '--member-of', 200),
    queries: flag(args, '--queries', 600),
    store: args[args.indexOf('--store') + 1] === 'mysql' ? 'mysql' : 'sqlite',
    keep: args.includes('--keep'),
  }),
};

export function registerBench(name: string, run: (args: string[]) => Promise<Record<string, unknown>>): void {
  BENCHES[name] = run;
}

async function main(): Promise<void> {
  const [name, ...args] = process.argv.slice(2);
  const bench = name ? BENCHES[name] : undefined;
  if (!bench) {
    log(`usage: npm run bench -- <${Object.keys(BENCHES).join('|')}> [--json] [--duration S]`);
    process.exitCode = 2;
    return;
  }
  const result = await bench(args);
  process.stdout.write(args.includes('--json') ? `${JSON.stringify(result)}\n` : `${JSON.stringify(result, null, 2)}\n`);
  process.exit(0);
}

main().catch((e: unknown) => { log(`bench failed: ${(e as Error).stack ?? String(e)}`); process.exit(1); });
