import { setPriority } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { revive, setUp } from './actors.js';
import { percentile, startBystanders, type BystanderResult } from './bystander.js';
import { httpRequest } from './http-fuzz.js';
import { prepareImportFiles } from './import-files.js';
import { hostileImport, type ImportTimes } from './import-fuzz.js';
import { Rng } from './random.js';
import { Tally } from './tally.js';
import { startTarget, type Target } from './target.js';
import { cutUpload } from './upload-fuzz.js';
import { sleep, wsSession } from './ws-fuzz.js';

export interface FuzzOptions {
  seed: number;
  durationMs: number;
  /** Fuzz before the baseline is taken, so that caches and compiled code are in it (default: 15% of the run, 3–20 s). */
  warmupMs?: number;
  /** How long, at most, descriptors, temp files and memory get to return after the fuzz stops (default 20 s). */
  settleMs?: number;
  bystanderRatePerS?: number;
  /** Concurrent workers per kind of input. */
  workers?: Partial<Record<'ws' | 'http' | 'upload' | 'import', number>>;
  /** How far descriptors and memory (read after a full collection) may stay above their level after the settle. */
  margins?: { fds: number; rssMb: number };
  /** Where the node's data directory is made (default: the system's temp directory). */
  dataRoot?: string;
  log?: (line: string) => void;
}

export interface FuzzReport {
  seed: number;
  duration_s: number;
  warmup_s: number;
  sent: Record<string, number>;
  outcomes: Record<string, Record<string, number>>;
  suspects: number;
  samples: Tally['samples'];
  slowest: Tally['slowest'];
  /** The slowest shapes of import file, with their largest size and slowest call. */
  imports: { shape: string; n: number; max_ms: number; bytes: number }[];
  node: { exited: Target['exit']; error_log_lines: number; error_samples: string[] };
  /** `trend`: one reading every 10 s from the start of the warm-up, to tell a plateau from a leak. */
  rss_mb: { before: number; peak: number; after: number; trend: number[] };
  fds: { before: number; peak: number; after: number };
  temp_files_after: number;
  health: { checks: number; failures: number; p99_ms: number; max_ms: number };
  /** The fuzzer's own event-loop delay: a stalled fuzzer makes the node look slow. */
  fuzzer_loop_max_ms: number;
  /** The scheduling priority of the node and the bystanders (null: normal, raising it was not permitted). */
  priority: number | null;
  /** The node's processor time while fuzzed, in % of one core. */
  node_cpu_percent: number;
  bystander: BystanderResult;
  violations: string[];
}

const DEFAULT_WORKERS = { ws: 2, http: 2, upload: 1, import: 1 };

/**
 * On a shared machine the neighbours' load, not the fuzz, sets the bystanders' tail latency. Where it may (as
 * root), the run gives the node and the bystander process a higher scheduling priority than the fuzzer's
 * workers and everything else; inside the node, fuzz traffic and bystander traffic still compete as equals.
 */
function favour(pids: number[]): number | null {
  const PRIORITY = -10;
  try {
    for (const pid of pids) setPriority(pid, PRIORITY);
    return PRIORITY;
  } catch {
    return null; // not permitted (not root): the run goes on at normal priority and says so
  }
}

/** Polls /healthz and the node's memory and descriptors while the fuzz runs. */
function monitor(target: Target) {
  const latencies: number[] = [];
  let failures = 0;
  const peak = { rss: 0, fds: 0 };
  const trend: number[] = [];
  let lastTrend = 0;
  let running = true;
  const done = (async () => {
    while (running && !target.exit) {
      const started = performance.now();
      try {
        if (!(await fetch(`${target.url}/healthz`, { signal: AbortSignal.timeout(2_000) })).ok) failures += 1;
      } catch {
        failures += 1; // no answer within 2 s is a failure of the invariant, counted here
      }
      latencies.push(performance.now() - started);
      if (!target.exit) { peak.rss = Math.max(peak.rss, target.rssMb() || 0); peak.fds = Math.max(peak.fds, target.fds() || 0); }
      if (Date.now() - lastTrend >= 10_000) { lastTrend = Date.now(); trend.push(Math.round(target.rssMb())); }
      await sleep(500);
    }
  })();
  return {
    peak,
    trend,
    async stop() {
      running = false;
      await done;
      latencies.sort((a, b) => a - b);
      return { checks: latencies.length, failures, p99_ms: Math.round(percentile(latencies, 99)), max_ms: Math.round(latencies.at(-1) ?? 0) };
    },
  };
}

/**
 * The bounded fuzz: a real all-in-one node in a child process, a bystander pair talking through it, and
 * workers sending mutated WebSocket frames, HTTP requests to every route, uploads cut short and hostile import
 * files. The report says what was sent, what came back, and which invariant (if any) broke.
 */
export async function runFuzz(opts: FuzzOptions): Promise<FuzzReport> {
  const log = opts.log ?? (() => {});
  const rng = new Rng(opts.seed);
  const workers = { ...DEFAULT_WORKERS, ...opts.workers };
  const margins = opts.margins ?? { fds: 20, rssMb: 80 };
  const warmupMs = opts.warmupMs ?? Math.min(20_000, Math.max(3_000, opts.durationMs * 0.15));
  log(`fuzz seed ${opts.seed}: ${Math.round(opts.durationMs / 1000)} s after a ${Math.round(warmupMs / 1000)} s warm-up`);
  await prepareImportFiles();
  const target = await startTarget({ dataRoot: opts.dataRoot });
  try {
    const cast = await setUp(target.url);
    const t = cast.targets;
    const bystanders = await startBystanders({
      url: target.url, tokens: [cast.bystanders[0].tokens[0]!, cast.bystanders[1].tokens[0]!],
      userIds: [cast.bystanders[0].user.id, cast.bystanders[1].user.id], convId: cast.bystanderConv, ratePerS: opts.bystanderRatePerS ?? 10,
    });
    const priority = favour([target.pid, bystanders.pid]);
    log(priority === null ? 'the node and the bystanders run at normal priority' : `the node and the bystanders run at priority ${priority}`);
    const tally = new Tally();
    const times: ImportTimes = new Map();
    const health = monitor(target);
    const loop = monitorEventLoopDelay({ resolution: 20 });
    loop.enable();
    const kinds: [keyof typeof workers, (r: Rng) => Promise<void>][] = [
      ['ws', (r) => wsSession(r, target.url, t, tally)],
      ['http', (r) => httpRequest(r, target.url, t, tally)],
      ['upload', (r) => cutUpload(r, target.url, t, tally)],
      ['import', (r) => hostileImport(r, cast.admin, tally, times)],
    ];
    const streams = kinds.flatMap(([kind, fn]) => Array.from({ length: workers[kind] }, () => ({ kind, fn, r: rng.fork() })));
    const phase = async (ms: number) => {
      const end = Date.now() + ms;
      let reviving = true;
      const repair = (async () => {
        while (reviving) { await revive(target.url, cast).catch((e: unknown) => log(`revive: ${(e as Error).message}`)); await sleep(1_000); }
      })();
      await Promise.all(streams.map(async ({ kind, fn, r }) => {
        while (Date.now() < end && !target.exit) {
          await fn(r).catch((e: unknown) => tally.outcome(kind, 'fuzzer-error', () => (e as Error).stack ?? String(e)));
        }
      }));
      // With no workers (a control run: the machine's own noise) the phase still lasts its time.
      await sleep(Math.max(0, end - Date.now()));
      reviving = false;
      await repair;
    };
    await phase(warmupMs);
    await sleep(3_000);
    await target.collectGarbage();
    const before = { rss: target.rssMb(), fds: target.fds() };
    log(`baseline: rss ${before.rss.toFixed(1)} MB, ${before.fds} descriptors`);
    const started = Date.now();
    const cpuBefore = target.cpuSeconds();
    await phase(opts.durationMs);
    const fuzzedMs = Date.now() - started;
    const cpuPercent = Math.round(((target.cpuSeconds() - cpuBefore) / (fuzzedMs / 1000)) * 100);
    log(`fuzz stopped after ${Math.round(fuzzedMs / 1000)} s: ${JSON.stringify(tally.sent)}`);
    // The settle: descriptors and temp files must come back, and memory after a full collection.
    const settleUntil = Date.now() + (opts.settleMs ?? 20_000);
    const after = { rss: NaN, fds: NaN };
    const read = async () => { await target.collectGarbage(); after.rss = target.rssMb(); after.fds = target.fds(); };
    const settled = () => after.fds <= before.fds + margins.fds && target.tempFiles() === 0 && after.rss <= before.rss + margins.rssMb;
    await sleep(3_000);
    for (await read(); !target.exit && Date.now() < settleUntil && !settled(); await read()) await sleep(1_000);
    const tempFiles = target.exit ? NaN : target.tempFiles();
    const by = await bystanders.stop();
    const h = await health.stop();
    const round = (x: number) => Math.round(x * 10) / 10;
    const report: FuzzReport = {
      seed: opts.seed, duration_s: Math.round(fuzzedMs / 1000), warmup_s: Math.round(warmupMs / 1000),
      sent: tally.sent, outcomes: tally.outcomes, suspects: tally.suspects(), samples: tally.samples, slowest: tally.slowest,
      imports: [...times].map(([shape, v]) => ({ shape, n: v.n, max_ms: v.maxMs, bytes: v.bytes })).sort((a, b) => b.max_ms - a.max_ms).slice(0, 8),
      node: { exited: target.exit, error_log_lines: target.errorLines.length, error_samples: target.errorLines.slice(0, 5) },
      rss_mb: { before: round(before.rss), peak: round(health.peak.rss), after: round(after.rss), trend: health.trend },
      fds: { before: before.fds, peak: health.peak.fds, after: after.fds },
      temp_files_after: tempFiles, health: h, fuzzer_loop_max_ms: Math.round(loop.max / 1e6), node_cpu_percent: cpuPercent, priority, bystander: by, violations: [],
    };
    report.violations = violations(report, margins);
    if (target.exit) report.node.error_samples.push(target.output().slice(-4_000));
    return report;
  } finally {
    await target.stop();
  }
}

/** The invariants, each broken one as a sentence. */
export function violations(r: FuzzReport, margins: { fds: number; rssMb: number }): string[] {
  const out: string[] = [];
  if (r.node.exited) out.push(`the node exited: ${JSON.stringify(r.node.exited)}`);
  if (r.health.failures > 0) out.push(`/healthz failed or took over 2 s ${r.health.failures} time(s)`);
  if (!(r.fds.after <= r.fds.before + margins.fds)) out.push(`descriptors ${r.fds.before} → ${r.fds.after} (margin ${margins.fds})`);
  if (!(r.rss_mb.after <= r.rss_mb.before + margins.rssMb)) out.push(`resident memory ${r.rss_mb.before} → ${r.rss_mb.after} MB (margin ${margins.rssMb})`);
  if (r.temp_files_after !== 0) out.push(`${r.temp_files_after} upload temp file(s) left`);
  const b = r.bystander;
  if (b.delivered === 0 || b.missing > 0) out.push(`bystander: ${b.missing} of ${b.sent} messages never arrived`);
  if (b.duplicates > 0) out.push(`bystander: ${b.duplicates} messages arrived more than once`);
  if (b.disconnects > 0) out.push(`bystander: disconnected ${b.disconnects} time(s)`);
  if (Object.keys(b.errors).length) out.push(`bystander: errors ${JSON.stringify(b.errors)}`);
  if (!(b.p99_ms < 100)) out.push(`bystander: p99 delivery ${b.p99_ms} ms (limit 100)`);
  if (r.suspects > 0) out.push(`${r.suspects} answer(s) were SB_INTERNAL, an uncoded 5xx or a timeout (see samples)`);
  return out;
}
