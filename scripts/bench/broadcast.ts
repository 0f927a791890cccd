import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Actor } from '../../core/actor.js';
import type { EventSink, Store } from '../../core/ports.js';
import { createServices } from '../../core/services.js';
import { DiskBlobStore } from '../../central/files/disk-blobs.js';
import { SqliteStore } from '../../central/store/sqlite/index.js';
import { MemoryCache } from '../../shared/cache/memory.js';
import { loadConfig } from '../../shared/config.js';
import { log } from './common.js';

/**
 * One broadcast to `recipients` people (`npm run bench -- broadcast [--recipients N] [--mysql URL]`): how long
 * storing it takes (the answer), how long the whole fan-out takes, the longest delivery batch, and what the
 * fan-out costs everyone else: the latency of plain messages appended meanwhile, one every 5 ms.
 */
export async function runBroadcast(opts: { recipients: number; mysqlUrl: string | null }): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), 'sb-bench-bc-'));
  let store: Store;
  if (opts.mysqlUrl) {
    const { MysqlStore } = await import('../../central/store/mysql/index.js');
    store = await MysqlStore.open({ url: opts.mysqlUrl, poolSize: 8 });
  } else {
    store = new SqliteStore(join(dir, 'bench.db'));
  }
  try {
    const config = loadConfig({ role: 'all-in-one', env: {}, overrides: { dataDir: dir } });
    let events = 0;
    const sink: EventSink = { emit: () => { events++; }, sessionsEnded: () => {}, located: () => {}, accessRevoked: () => {}, filesRevoked: () => {} };
    const services = createServices({ store, blobs: new DiskBlobStore(join(dir, 'files')), cache: new MemoryCache(), events: sink, clock: { now: Date.now }, config });
    log(`creating ${opts.recipients} users`);
    const tag = Date.now().toString(36);
    const ids: number[] = [];
    for (let i = 0; i < opts.recipients; i += 2000) {
      const chunk = Array.from({ length: Math.min(2000, opts.recipients - i) }, (_, j) =>
        store.users.create({ account: `bc-${tag}-${i + j}`, name: `U${i + j}`, passwordHash: 'x', isAdmin: false, at: Date.now() }));
      ids.push(...(await Promise.all(chunk)).map((u) => u.id));
    }
    const [a, b] = ids;
    const { conversation } = await store.conversations.create({
      kind: 'direct', title: '', ownerId: null, directKey: `${a}:${b}`, members: [{ userId: a!, role: 'member' }, { userId: b!, role: 'member' }], first: null,
    });
    const admin: Actor = { userId: ids[0]!, sessionId: 'bench' };
    const batches: number[] = [];
    const deliver = store.broadcasts.deliver.bind(store.broadcasts);
    store.broadcasts.deliver = async (batch) => { const t0 = performance.now(); const r = await deliver(batch); batches.push(performance.now() - t0); return r; };

    log('sending');
    const sends: number[] = [];
    let running = true;
    const sender = (async () => {
      for (let i = 0; running; i++) {
        const t0 = performance.now();
        await store.conversations.append({ convId: conversation.id, senderId: a!, cmid: `side-${tag}-${i}`, kind: 'text', body: '{"text":"x"}', at: Date.now(), requireMember: true });
        sends.push(performance.now() - t0);
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    const t0 = performance.now();
    const sent = await services.broadcasts.send(admin, { title: '通知', text: '一条发给所有人的通知。'.repeat(5), all: true });
    const answered = performance.now() - t0;
    await services.broadcasts.deliver(sent.id);
    const total = performance.now() - t0;
    running = false;
    await sender;
    const done = (await store.broadcasts.get(sent.id))!;
    const pct = (xs: number[], p: number) => { const s = [...xs].sort((x, y) => x - y); return Math.round(s[Math.min(s.length - 1, Math.floor(s.length * p))]! * 10) / 10; };
    return {
      store: store.kind, recipients: done.total, delivered: done.delivered, events,
      answer_ms: Math.round(answered), fanout_s: Math.round(total / 100) / 10, per_s: Math.round(done.total / (total / 1000)),
      batches: batches.length, batch_p50_ms: pct(batches, 0.5), batch_max_ms: pct(batches, 1),
      side_sends: sends.length, side_p50_ms: pct(sends, 0.5), side_p99_ms: pct(sends, 0.99), side_max_ms: pct(sends, 1),
    };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
