import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import type { SqliteStore } from '../../central/store/sqlite/index.js';
import { parseMysqlUrl, type MysqlStore } from '../../central/store/mysql/index.js';
import { loadConfig } from '../../shared/config.js';
import { ApiClient } from '../../shared/sdk/api.js';
import { startRole } from '../roles.js';
import { log } from './common.js';

export interface SearchBenchOptions { messages: number; convs: number; store: 'sqlite' | 'mysql'; queries: number; memberOf: number; keep: boolean }

// Common characters, from which the Chinese vocabulary's words are made.
const HANZI = '的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处理府研质';
const SYLLABLES = ['ka', 'lo', 'mi', 'ren', 'sta', 'tor', 'vel', 'an', 'de', 'pri', 'ko', 'us', 'ber', 'tri', 'on', 'qua', 'lex', 'dis', 'mor', 'zen', 'pa', 'ri', 'sol', 'ten'];

/** A small deterministic generator, so every run indexes the same corpus. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => { s = (s + 0x6d2b79f5) >>> 0; let x = Math.imul(s ^ (s >>> 15), 1 | s); x ^= x + Math.imul(x ^ (x >>> 7), 61 | x); return ((x ^ (x >>> 14)) >>> 0) / 2 ** 32; };
}

/** Vocabulary ranked by frequency: Zipf's law picks rank r with weight 1/r. */
function vocabulary(rand: () => number) {
  const zh = new Set<string>();
  while (zh.size < 4_000) {
    const n = rand() < 0.8 ? 2 : 3;
    let w = '';
    for (let i = 0; i < n; i += 1) w += HANZI[Math.floor(rand() * HANZI.length)]!;
    zh.add(w);
  }
  const en = new Set<string>();
  while (en.size < 2_000) {
    const n = 1 + Math.floor(rand() * 3);
    let w = '';
    for (let i = 0; i < n; i += 1) w += SYLLABLES[Math.floor(rand() * SYLLABLES.length)]!;
    en.add(w);
  }
  const zipf = (size: number) => {
    const cum: number[] = [];
    let total = 0;
    for (let r = 1; r <= size; r += 1) { total += 1 / r; cum.push(total); }
    return () => {
      const x = rand() * total;
      let lo = 0;
      let hi = size - 1;
      while (lo < hi) { const mid = (lo + hi) >> 1; if (cum[mid]! < x) lo = mid + 1; else hi = mid; }
      return lo;
    };
  };
  return { zh: [...zh], en: [...en], pickZh: zipf(zh.size), pickEn: zipf(en.size) };
}

function makeText(rand: () => number, v: ReturnType<typeof vocabulary>): string {
  const words = 4 + Math.floor(rand() * 12);
  const lang = rand();
  const parts: string[] = [];
  for (let i = 0; i < words; i += 1) {
    const english = lang < 0.15 || (lang < 0.4 && rand() < 0.3);
    parts.push(english ? ` ${v.en[v.pickEn()]!} ` : v.zh[v.pickZh()]!);
  }
  return parts.join('').replace(/ +/g, ' ').trim();
}

/** Queries across the frequency range: a third common words, a third middling, a third rare; some two words. */
function makeQueries(n: number, rand: () => number, v: ReturnType<typeof vocabulary>): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i += 1) {
    const band = i % 3;
    const rank = (size: number) => (band === 0 ? Math.floor(rand() * 50) : band === 1 ? 50 + Math.floor(rand() * 450) : 500 + Math.floor(rand() * (size - 500)));
    const word = () => (rand() < 0.7 ? v.zh[rank(v.zh.length)]! : v.en[rank(v.en.length)]!);
    out.push(i % 4 === 3 ? `${word()} ${word()}` : word());
  }
  return out;
}

/**
 * `npm run bench -- search [--messages N] [--store sqlite|mysql] [--convs C] [--queries Q] [--json]`: a generated
 * Chinese and English corpus written straight into the store, indexed by the backfill (index_s), then searched
 * through the relay (HTTP → relay → bus → central) by an employee who is a member of 200 conversations.
 */
export async function runSearch(opts: SearchBenchOptions): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), 'sb-bench-search-'));
  const database = `switchboard_bench_search_${process.pid}`;
  const url = `mysql://root@127.0.0.1:3306/${database}`;
  const config = loadConfig({
    role: 'all-in-one', env: {},
    overrides: {
      port: 0, host: '127.0.0.1', dataDir: dir, logLevel: 'warn', admin: { account: 'admin', password: 'bench-admin-password-1' },
      store: opts.store === 'mysql' ? { kind: 'mysql', url, poolSize: 10 } : { kind: 'sqlite', synchronous: 'NORMAL' },
    },
  });
  const node = await startRole(config);
  try {
    const base = `http://127.0.0.1:${node.port}`;
    const admin = new ApiClient(base, (await new ApiClient(base).call('auth.login', { account: 'admin', password: 'bench-admin-password-1', device_type: 'cli' })).token);
    const employee = await admin.call('admin.users.create', { account: 'employee', name: '员工', password: 'bench-employee-pw' });
    const token = (await new ApiClient(base).call('auth.login', { account: 'employee', password: 'bench-employee-pw', device_type: 'cli' })).token;
    const api = new ApiClient(base, token);
    const central = node.central!;
    const store = central.store;

    log(`search bench: ${opts.messages} messages in ${opts.convs} conversations on ${opts.store}`);
    const rand = rng(7);
    const others: { id: number }[] = [];
    for (let i = 0; i < 200; i += 1) others.push(await store.users.create({ account: `peer${i}`, name: `同事${i}`, passwordHash: 'x', isAdmin: false, at: 1 }));
    const convIds: number[] = [];
    const senders: number[][] = [];
    for (let i = 0; i < opts.convs; i += 50) {
      const made = await Promise.all(Array.from({ length: Math.min(50, opts.convs - i) }, (_, j) => {
        const k = i + j;
        const members = [...new Set(Array.from({ length: 4 }, () => others[Math.floor(rand() * others.length)]!.id))];
        if (k < opts.memberOf) members.push(employee.id);
        senders[k] = members;
        return store.conversations.create({
          kind: 'group', title: `群${k}`, ownerId: members[0]!, directKey: null,
          members: members.map((userId, n) => ({ userId, role: n === 0 ? 'owner' as const : 'member' as const })),
          first: { senderId: members[0]!, cmid: `bench-c${k}`, body: JSON.stringify({ event: 'created', actor_id: members[0]!, user_ids: [], title: `群${k}` }), at: 1 },
        });
      }));
      convIds.push(...made.map((m) => m.conversation.id));
    }

    const v = vocabulary(rand);
    const t0 = Date.now() - opts.messages * 50;
    const lastSeq = new Array<number>(opts.convs).fill(1); // seq 1: the creating system message
    const written = performance.now();
    const CHUNK = opts.store === 'mysql' ? 2_000 : 50_000;
    for (let i = 0; i < opts.messages; i += CHUNK) {
      const rows: unknown[][] = [];
      for (let j = i; j < Math.min(opts.messages, i + CHUNK); j += 1) {
        const k = Math.floor(rand() * opts.convs);
        lastSeq[k]! += 1;
        const from = senders[k]!;
        rows.push([convIds[k], lastSeq[k], from[Math.floor(rand() * from.length)], `b${j}`, 'text', JSON.stringify({ text: makeText(rand, v) }), t0 + j * 50, 0]);
      }
      await insertMessages(store, opts.store, rows);
      if ((i / CHUNK) % 20 === 0) log(`  written ${i + rows.length}`);
    }
    await setLastSeqs(store, opts.store, convIds, lastSeq);
    const write_s = (performance.now() - written) / 1000;
    log(`  corpus written in ${write_s.toFixed(1)} s; indexing`);

    const indexStarted = performance.now();
    const { indexed } = await central.services.search.backfill({ batch: 5_000 });
    const index_s = (performance.now() - indexStarted) / 1000;
    log(`  indexed ${indexed} in ${index_s.toFixed(1)} s`);

    const queries = makeQueries(opts.queries, rand, v);
    for (const q of queries.slice(0, 30)) await api.call('msg.search', { q }); // warm-up
    const latencies: number[] = [];
    let hits = 0;
    for (const q of queries) {
      const started = performance.now();
      const r = await api.call('msg.search', { q, limit: 20 });
      latencies.push(performance.now() - started);
      hits += r.hits.length;
    }
    latencies.sort((a, b) => a - b);
    const pct = (p: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))]! * 10) / 10;
    return {
      bench: 'search', store: opts.store, messages: opts.messages, conversations: opts.convs, member_of: opts.memberOf, queries: opts.queries,
      write_s: Math.round(write_s * 10) / 10, index_s: Math.round(index_s * 10) / 10, indexed,
      p50_ms: pct(0.5), p99_ms: pct(0.99), max_ms: Math.round(latencies[latencies.length - 1]! * 10) / 10,
      mean_hits: Math.round((hits / queries.length) * 10) / 10, index_bytes: await store.search.sizeBytes(),
    };
  } finally {
    await node.stop();
    if (!opts.keep) rmSync(dir, { recursive: true, force: true });
    if (opts.store === 'mysql' && !opts.keep) {
      const { host, port, user, password } = parseMysqlUrl(url);
      const c = await mysql.createConnection({ host, port, user, password });
      await c.query(`DROP DATABASE IF EXISTS \`${database}\``);
      await c.end();
    }
  }
}

/** Rows straight into messages, as a store holding years of history would have them (no sends, no index). */
async function insertMessages(store: unknown, kind: 'sqlite' | 'mysql', rows: unknown[][]): Promise<void> {
  const sql = 'INSERT INTO messages (conv_id, seq, sender_id, cmid, kind, body, created_at, pos) VALUES ';
  if (kind === 'sqlite') {
    const db = (store as SqliteStore).db;
    const stmt = db.prepare(`${sql}(?, ?, ?, ?, ?, ?, ?, ?)`);
    db.transaction(() => { for (const r of rows) stmt.run(...r); })();
    return;
  }
  await (store as MysqlStore).pool.query(`${sql}${rows.map(() => '(?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`, rows.flat());
}

async function setLastSeqs(store: unknown, kind: 'sqlite' | 'mysql', convIds: number[], lastSeq: number[]): Promise<void> {
  const sql = 'UPDATE conversations SET last_seq = ? WHERE id = ?';
  if (kind === 'sqlite') {
    const db = (store as SqliteStore).db;
    const stmt = db.prepare(sql);
    db.transaction(() => { convIds.forEach((id, k) => stmt.run(lastSeq[k], id)); })();
    return;
  }
  for (const [k, id] of convIds.entries()) await (store as MysqlStore).pool.query(sql, [lastSeq[k], id]);
}
