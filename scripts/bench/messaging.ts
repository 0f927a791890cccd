import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiClient } from '../../shared/sdk/api.js';
import { freePort, log, rssMib, runGenerator, spawnSwitchboard, waitHealthy } from './common.js';
import type { LoadResult, Pair } from './generator.js';

export interface MessagingOptions {
  pairs: number;
  durationMs: number;
  window: number;
  ratePerS: number;
  idle: number;
}

export const BENCH_LIMITS = { limits: { framesPerSecond: 1_000_000, frameBurst: 1_000_000, sendsPerUserPer10s: 100_000_000, loginAttemptsPerMinute: 100_000 } };

/** Creates users in pairs, signs each in and opens their one-to-one conversation. */
export async function seedPairs(url: string, adminPassword: string, count: number, prefix: string): Promise<Pair[]> {
  const admin = new ApiClient(url, (await new ApiClient(url).call('auth.login', { account: 'admin', password: adminPassword, device_type: 'cli' })).token);
  const pairs: Pair[] = [];
  const password = 'bench-password';
  for (let i = 0; i < count; i++) {
    const [s, r] = await Promise.all(['s', 'r'].map((side) => admin.call('admin.users.create', { account: `${prefix}${side}${i}`, password })));
    const [st, rt] = await Promise.all([s!, r!].map(async (u) => (await new ApiClient(url).call('auth.login', { account: u.account, password, device_type: 'bot' })).token));
    const conv = await new ApiClient(url, st).call('conv.direct', { user_id: r!.id });
    pairs.push({ senderToken: st!, receiverToken: rt!, convId: conv.id });
  }
  return pairs;
}

/** Checks the generator's view against the server: every acknowledged message stored once, gap-free. */
export async function verifyStored(url: string, pairs: Pair[]): Promise<{ stored: number; gaps: number }> {
  let stored = 0;
  let gaps = 0;
  for (const p of pairs) {
    const api = new ApiClient(url, p.senderToken);
    let after = 0;
    for (;;) {
      const page = await api.call('msg.history', { conv_id: p.convId, after, limit: 200 });
      for (const m of page.messages) { if (m.seq !== after + 1) gaps += 1; after = m.seq; stored += 1; }
      if (!page.more || page.messages.length === 0) break;
    }
  }
  return { stored, gaps };
}

export async function runMessaging(opts: MessagingOptions): Promise<Record<string, unknown>> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sb-bench-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const adminPassword = 'bench-admin-password';
  const configFile = join(dataDir, 'bench.json');
  writeFileSync(configFile, JSON.stringify(BENCH_LIMITS));
  const server = spawnSwitchboard('all-in-one', {
    SWITCHBOARD_DATA_DIR: join(dataDir, 'data'), SWITCHBOARD_PORT: String(port), SWITCHBOARD_ADMIN_PASSWORD: adminPassword, SWITCHBOARD_CONFIG: configFile,
    // Encryption at rest on, with a key given (a generated key file would be announced on stdout).
    SWITCHBOARD_MASTER_KEY: randomBytes(32).toString('base64'),
  });
  try {
    await waitHealthy(url, server);
    log(`seeding ${opts.pairs} pairs…`);
    const pairs = await seedPairs(url, adminPassword, opts.pairs, 'p');
    const rssBefore = rssMib(server.pid!);

    log('switchboard: max throughput…');
    const max = (await runGenerator<LoadResult>({ kind: 'load', url, pairs, mode: 'max', durationMs: opts.durationMs, window: opts.window })).result;
    max.lost += 0;
    const rssLoaded = rssMib(server.pid!);
    log(`  ${Math.round(max.delivered / max.elapsed_s)}/s delivered`);
    log(`switchboard: fixed ${opts.ratePerS}/s…`);
    const fixed = (await runGenerator<LoadResult>({ kind: 'load', url, pairs, mode: 'rate', durationMs: opts.durationMs, ratePerS: opts.ratePerS })).result;
    log(`  p50 ${fixed.latencies_ms.p50.toFixed(2)} ms, p99 ${fixed.latencies_ms.p99.toFixed(2)} ms`);
    const check = await verifyStored(url, pairs);

    log(`switchboard: ${opts.idle} idle connections…`);
    const idle = await runGenerator<{ opened: number; failed: number }>({
      kind: 'idle', url, tokens: pairs.flatMap((p) => [p.senderToken, p.receiverToken]), count: opts.idle,
    });
    await new Promise((r) => setTimeout(r, 1_000));
    const idleRss = rssMib(server.pid!);
    idle.child.kill();

    // The baseline, measured by the same generator in the same run.
    const basePort = await freePort();
    const baseUrl = `http://127.0.0.1:${basePort}`;
    const pairsFile = join(dataDir, 'pairs.json');
    writeFileSync(pairsFile, JSON.stringify(pairs));
    const baseline = fork(join(import.meta.dirname, 'baseline-relay.js'), [String(basePort), pairsFile], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    await new Promise((r) => baseline.once('message', r));
    log('baseline: max throughput…');
    const bmax = (await runGenerator<LoadResult>({ kind: 'load', url: baseUrl, pairs, mode: 'max', durationMs: opts.durationMs, window: opts.window })).result;
    log('baseline: fixed rate…');
    const bfixed = (await runGenerator<LoadResult>({ kind: 'load', url: baseUrl, pairs, mode: 'rate', durationMs: opts.durationMs, ratePerS: opts.ratePerS })).result;
    baseline.kill();

    // The same server with encryption at rest off, in the same run: what sealing and opening bodies costs.
    const plain = await plaintextRun(dataDir, opts);

    const delivered = Math.round(max.delivered / max.elapsed_s);
    const baselinePerS = Math.round(bmax.delivered / bmax.elapsed_s);
    const round = (x: number) => Math.round(x * 100) / 100;
    return {
      bench: 'messaging',
      delivered_per_s: delivered,
      p50_ms: round(fixed.latencies_ms.p50),
      p99_ms: round(fixed.latencies_ms.p99),
      offered_per_s: opts.ratePerS,
      lost: max.lost + fixed.lost,
      duplicated: max.duplicated + fixed.duplicated,
      stored_gaps: check.gaps,
      stored_vs_acked: check.stored - (max.acked + fixed.acked),
      errors: max.errors + fixed.errors,
      connections: pairs.length * 2,
      rss_mib: rssLoaded,
      rss_idle_start_mib: rssBefore,
      idle_connections: idle.result.opened,
      idle_failed: idle.result.failed,
      idle_rss_mib: idleRss,
      baseline_per_s: baselinePerS,
      baseline_p50_ms: round(bfixed.latencies_ms.p50),
      baseline_p99_ms: round(bfixed.latencies_ms.p99),
      ratio_vs_baseline: round(delivered / baselinePerS),
      plaintext_per_s: plain.perS,
      plaintext_p50_ms: round(plain.p50),
      plaintext_p99_ms: round(plain.p99),
      at_rest_cost_pct: round((100 * (plain.perS - delivered)) / plain.perS),
      duration_s: opts.durationMs / 1000,
      window: opts.window,
      node: process.version,
    };
  } finally {
    server.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 500));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Max throughput and fixed-rate latency of an all-in-one with `atRest.enabled` false, seeded the same way. */
async function plaintextRun(dir: string, opts: MessagingOptions): Promise<{ perS: number; p50: number; p99: number }> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const adminPassword = 'bench-admin-password';
  const configFile = join(dir, 'bench-plaintext.json');
  writeFileSync(configFile, JSON.stringify({ ...BENCH_LIMITS, atRest: { enabled: false } }));
  const server = spawnSwitchboard('all-in-one', {
    SWITCHBOARD_DATA_DIR: join(dir, 'data-plaintext'), SWITCHBOARD_PORT: String(port), SWITCHBOARD_ADMIN_PASSWORD: adminPassword, SWITCHBOARD_CONFIG: configFile,
  });
  try {
    await waitHealthy(url, server);
    const pairs = await seedPairs(url, adminPassword, opts.pairs, 'q');
    log('switchboard without encryption at rest: max throughput…');
    const max = (await runGenerator<LoadResult>({ kind: 'load', url, pairs, mode: 'max', durationMs: opts.durationMs, window: opts.window })).result;
    log(`  ${Math.round(max.delivered / max.elapsed_s)}/s delivered`);
    const fixed = (await runGenerator<LoadResult>({ kind: 'load', url, pairs, mode: 'rate', durationMs: opts.durationMs, ratePerS: opts.ratePerS })).result;
    return { perS: Math.round(max.delivered / max.elapsed_s), p50: fixed.latencies_ms.p50, p99: fixed.latencies_ms.p99 };
  } finally {
    server.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 500));
  }
}
