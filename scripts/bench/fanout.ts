import { fork } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { SqliteStore } from '../../central/store/sqlite/index.js';
import { hashPassword, hashToken } from '../../shared/crypto.js';
import { randomId } from '../../shared/ids.js';
import { ApiClient } from '../../shared/sdk/api.js';
import { readBy, receiptCounter } from '../../shared/sdk/state.js';
import { freePort, log, spawnSwitchboard, waitHealthy } from './common.js';
import { BENCH_LIMITS } from './messaging.js';

export interface FanoutOptions { members: number; messages: number; gapMs: number; readers: number; calls: number }

const round = (x: number) => Math.round(x * 100) / 100;
const pct = (xs: number[], p: number) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(p / 100 * s.length))] ?? 0; };
const now = () => performance.timeOrigin + performance.now();

/**
 * One group of `members` people (5,000 by default): every member connected, one member sends `messages` texts,
 * each delivered to everyone else (deliveries/s, p99 from send to arrival). Then `readers` members read the first
 * message and "N 人未读" with its who-has-read list is timed: msg.receipts at central, and the client's count
 * for a screen of 50 bubbles, from sorted cursors (receiptCounter) against a pass over the members per bubble (readBy).
 */
export async function runFanout(opts: FanoutOptions): Promise<Record<string, unknown>> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sb-bench-fanout-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const adminPassword = 'bench-admin-password';
  try {
    // Seeded straight into the store: 5,000 sign-ins would time scrypt, not fan-out.
    log(`seeding a group of ${opts.members}…`);
    mkdirSync(join(dataDir, 'data'), { recursive: true });
    const store = new SqliteStore(join(dataDir, 'data', 'switchboard.db'));
    const passwordHash = await hashPassword('bench-password');
    const tokens: string[] = [];
    const ids: number[] = [];
    const at = Date.now();
    for (let i = 0; i < opts.members; i++) {
      const u = await store.users.create({ account: `f${i}`, name: `成员${i}`, passwordHash, isAdmin: false, at });
      const token = randomId(32);
      await store.sessions.create({ id: randomId(12), user_id: u.id, token_hash: hashToken(token), device_type: 'bot', device_name: 'bench', ip: null, created_at: at, expires_at: at + 86_400_000, last_seen_at: at });
      ids.push(u.id);
      tokens.push(token);
    }
    const { conversation } = await store.conversations.create({
      kind: 'group', title: '全员群', ownerId: ids[0]!, directKey: null,
      members: ids.map((userId, i) => ({ userId, role: i === 0 ? 'owner' as const : 'member' as const })),
      first: { senderId: ids[0]!, cmid: 'bench-created', body: JSON.stringify({ event: 'created', actor_id: ids[0], user_ids: ids.slice(1), title: '全员群' }), at },
    });
    await store.close();
    const configFile = join(dataDir, 'bench.json');
    writeFileSync(configFile, JSON.stringify({ limits: { ...BENCH_LIMITS.limits, maxGroupMembers: Math.max(5000, opts.members) } }));
    const server = spawnSwitchboard('all-in-one', {
      SWITCHBOARD_DATA_DIR: join(dataDir, 'data'), SWITCHBOARD_PORT: String(port), SWITCHBOARD_ADMIN_PASSWORD: adminPassword, SWITCHBOARD_CONFIG: configFile,
    });
    try {
      await waitHealthy(url, server);
      log(`connecting ${opts.members - 1} receivers…`);
      const receivers = fork(join(import.meta.dirname, 'fanout-receivers.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: ['--max-old-space-size=4096'] });
      const ready = new Promise((r) => receivers.once('message', r));
      receivers.send({ url, tokens: tokens.slice(1) });
      await ready;
      const sender = new WebSocket(`${url.replace(/^http/, 'ws')}/ws`);
      await new Promise<void>((resolve, reject) => {
        sender.once('open', () => sender.send(JSON.stringify({ t: 'auth', token: tokens[0] })));
        sender.on('message', (d) => { if ((JSON.parse(d.toString()) as { t: string }).t === 'ready') resolve(); });
        sender.once('error', reject);
      });
      log(`sending ${opts.messages} messages, one every ${opts.gapMs} ms…`);
      const started = now();
      for (let i = 0; i < opts.messages; i++) {
        sender.send(JSON.stringify({ t: 'send', id: `s${i}`, conv_id: conversation.id, cmid: `fan-${i}`, body: { text: `t:${now()} 第${i}条` } }));
        await new Promise((r) => setTimeout(r, opts.gapMs));
      }
      // Wait until everything arrived, or the count stops moving for two seconds.
      type Report = { delivered: number; first: number; last: number; p50: number; p99: number; max: number };
      const ask = <T>(m: object) => new Promise<T>((resolve) => { receivers.once('message', (x) => resolve(x as T)); receivers.send(m); });
      const expected = opts.messages * (opts.members - 1);
      for (let seen = -1, still = 0; still < 10;) {
        await new Promise((r) => setTimeout(r, 200));
        const { count } = await ask<{ count: number }>({ count: true });
        if (count >= expected) break;
        still = count === seen ? still + 1 : 0;
        seen = count;
      }
      const r = await ask<Report>({ report: true });
      sender.close();
      log(`  ${r.delivered} of ${expected} delivered, p99 ${r.p99.toFixed(1)} ms`);

      // Read receipts: `readers` members read the first text (their sockets are closed now).
      const firstSeq = 2;
      log(`${opts.readers} members read the first message…`);
      for (let i = 1; i <= opts.readers; i += 20) {
        await Promise.all(tokens.slice(i, Math.min(i + 20, opts.readers + 1)).map((tk) => new ApiClient(url, tk).call('msg.read', { conv_id: conversation.id, seq: firstSeq })));
      }
      const owner = new ApiClient(url, tokens[0]!);
      const receiptMs: number[] = [];
      let last = null as null | { read: number; of: number; users: unknown[] };
      for (let i = 0; i < opts.calls; i++) {
        const t0 = performance.now();
        last = await owner.call('msg.receipts', { conv_id: conversation.id, seq: firstSeq, state: i % 2 ? 'unread' : 'read', limit: 50 });
        receiptMs.push(performance.now() - t0);
      }
      const t0 = performance.now();
      const view = await owner.call('conv.get', { conv_id: conversation.id });
      const convGetMs = performance.now() - t0;
      const page = await owner.call('msg.history', { conv_id: conversation.id, limit: 50 });
      const time = (f: () => void) => { const s = performance.now(); for (let i = 0; i < 20; i++) f(); return (performance.now() - s) / 20; };
      const before = time(() => { for (const m of page.messages) readBy(view, m); });
      const after = time(() => { const count = receiptCounter(view); for (const m of page.messages) count(m); });
      server.kill('SIGTERM');
      return {
        bench: 'fanout',
        members: opts.members,
        messages: opts.messages,
        deliveries: r.delivered,
        expected_deliveries: expected,
        deliveries_per_s: Math.round(r.delivered / Math.max(0.001, (r.last - started) / 1000)),
        p50_ms: round(r.p50),
        p99_ms: round(r.p99),
        max_ms: round(r.max),
        readers: opts.readers,
        receipts_read: last ? `${last.read} of ${last.of}` : null,
        receipts_p50_ms: round(pct(receiptMs, 50)),
        receipts_p99_ms: round(pct(receiptMs, 99)),
        conv_get_ms: round(convGetMs),
        screen_counts_sorted_ms: round(after),
        screen_counts_scan_ms: round(before),
        node: process.version,
      };
    } finally {
      server.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 500));
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
