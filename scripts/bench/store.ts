import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import type { ConversationRecord, Store } from '../../core/ports.js';
import { SqliteStore } from '../../central/store/sqlite/index.js';
import { MysqlStore, parseMysqlUrl } from '../../central/store/mysql/index.js';
import { log } from './common.js';

/**
 * Store append throughput, SQLite and MySQL/MariaDB measured in the same run
 * with the same load: `node dist/scripts/bench/store.js [--appends N]
 * [--window W] [--convs C] [--handles H] [--mysql URL-without-database]`.
 * `handles` opens that many MySQL stores on one database, as several central
 * processes would. Prints one JSON object.
 */
function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

async function measure(label: string, handles: Store[], opts: { appends: number; window: number; convs: number }): Promise<Record<string, number | string>> {
  const s = handles[0]!;
  const users = [];
  for (let i = 0; i < 20; i++) users.push(await s.users.create({ account: `bench-${label}-${Date.now()}-${i}`, name: `U${i}`, passwordHash: 'x', isAdmin: false, at: Date.now() }));
  const convs: ConversationRecord[] = [];
  for (let i = 0; i < opts.convs; i++) {
    const owner = users[i % users.length]!;
    const others = [users[(i + 1) % users.length]!, users[(i + 2) % users.length]!];
    convs.push((await s.conversations.create({
      kind: 'group', title: `c${i}`, ownerId: owner.id, directKey: null,
      members: [{ userId: owner.id, role: 'owner' }, ...others.map((u) => ({ userId: u.id, role: 'member' as const }))],
      first: { senderId: owner.id, cmid: `bench-${label}-${Date.now()}-c${i}`, body: '{}', at: Date.now() },
    })).conversation);
  }
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  const worker = async (w: number) => {
    for (;;) {
      const i = next++;
      if (i >= opts.appends) return;
      const conv = convs[i % convs.length]!;
      const t0 = performance.now();
      await handles[(i + w) % handles.length]!.conversations.append({
        convId: conv.id, senderId: conv.owner_id!, cmid: `b-${label}-${started}-${i}`, kind: 'text',
        body: JSON.stringify({ text: `message ${i}` }), at: Date.now(), requireMember: true,
      });
      latencies.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: opts.window }, (_, w) => worker(w)));
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))]! * 10) / 10;
  const result = { store: label, appends: opts.appends, appends_per_s: Math.round(opts.appends / seconds), p50_ms: pct(0.5), p99_ms: pct(0.99) };
  log(JSON.stringify(result));
  return result;
}

async function main(): Promise<void> {
  const opts = { appends: flag('--appends', 5_000), window: flag('--window', 64), convs: flag('--convs', 50) };
  const handlesWanted = flag('--handles', 2);
  const server = (() => { const i = process.argv.indexOf('--mysql'); return i >= 0 ? process.argv[i + 1]! : 'mysql://root@127.0.0.1:3306'; })();
  const results: Record<string, unknown>[] = [];

  const dir = mkdtempSync(join(tmpdir(), 'sb-bench-store-'));
  const sqlite = new SqliteStore(join(dir, 'bench.db'));
  results.push(await measure('sqlite', [sqlite], opts));
  await sqlite.close();
  rmSync(dir, { recursive: true, force: true });

  const url = `${server}/switchboard_bench_${process.pid}`;
  const handles: Store[] = [];
  try {
    handles.push(await MysqlStore.open({ url, poolSize: 8 }));
    results.push(await measure('mysql', handles, opts));
    for (let i = 1; i < handlesWanted; i++) handles.push(await MysqlStore.open({ url, poolSize: 8 }));
    if (handles.length > 1) results.push({ ...(await measure(`mysql-x${handles.length}`, handles, opts)), handles: handles.length });
  } finally {
    for (const h of handles) await h.close();
    const { host, port, user, password, database } = parseMysqlUrl(url);
    const c = await mysql.createConnection({ host, port, user, password });
    await c.query(`DROP DATABASE IF EXISTS \`${database}\``);
    await c.end();
  }
  process.stdout.write(`${JSON.stringify({ bench: 'store', ...opts, results })}\n`);
}

main().catch((e: unknown) => { log(`bench failed: ${(e as Error).stack ?? String(e)}`); process.exit(1); });
