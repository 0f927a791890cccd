import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventSink } from '../../core/ports.js';
import { createServices } from '../../core/services.js';
import { DiskBlobStore } from '../../central/files/disk-blobs.js';
import { SqliteStore } from '../../central/store/sqlite/index.js';
import { MemoryCache } from '../../shared/cache/memory.js';
import { loadConfig } from '../../shared/config.js';
import { log } from './common.js';

export interface ReadFanoutOptions { members: number; senders: number; rounds: number; readersPerRound: number }

/**
 * What one read costs in pushes in a large group (`npm run bench -- read-fanout [--members 5000]`): central's
 * services over SQLite with an event sink that counts, run twice on the same traffic: with every cursor shared
 * (`limits.sharedReadCursors` at the group's size: how every group worked before) and with the default limit.
 * Each round one of `senders` people sends a text and the same `readersPerRound` members read up to it; then 200
 * members who had read nothing read the whole history at once (catching up). `deliveries` counts recipients, one
 * push per person.
 */
export async function runReadFanout(opts: ReadFanoutOptions): Promise<Record<string, unknown>> {
  const shared = await measure(opts, opts.members);
  const narrowed = await measure(opts, loadConfig({ role: 'all-in-one', env: {} }).limits.sharedReadCursors);
  return { members: opts.members, senders: opts.senders, rounds: opts.rounds, readers_per_round: opts.readersPerRound, shared, narrowed };
}

async function measure(opts: ReadFanoutOptions, sharedReadCursors: number): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), 'sb-bench-read-'));
  const store = new SqliteStore(join(dir, 'bench.db'));
  try {
    const config = loadConfig({ role: 'all-in-one', env: {}, overrides: { dataDir: dir, limits: { sharedReadCursors, sendsPerUserPer10s: 1_000_000 } } });
    const reads = { events: 0, deliveries: 0 };
    const sink: EventSink = {
      emit: (e, to) => { if (e.type === 'read.updated') { reads.events += 1; reads.deliveries += to === '*' ? opts.members : to.length; } },
      sessionsEnded: () => {}, located: () => {}, accessRevoked: () => {}, filesRevoked: () => {},
    };
    const services = createServices({ store, blobs: new DiskBlobStore(join(dir, 'files')), cache: new MemoryCache(), events: sink, clock: { now: Date.now }, config });
    log(`${opts.members} members, cursors shared up to ${sharedReadCursors}`);
    const tag = Date.now().toString(36);
    const ids: number[] = [];
    for (let i = 0; i < opts.members; i += 2000) {
      const chunk = Array.from({ length: Math.min(2000, opts.members - i) }, (_, j) =>
        store.users.create({ account: `rf-${tag}-${i + j}`, name: `U${i + j}`, passwordHash: 'x', isAdmin: false, at: Date.now() }));
      ids.push(...(await Promise.all(chunk)).map((u) => u.id));
    }
    const actor = (userId: number) => ({ userId, sessionId: 'bench' });
    const { conversation } = await store.conversations.create({
      kind: 'group', title: 'bench', ownerId: ids[0]!, directKey: null, first: null,
      members: ids.map((userId, i) => ({ userId, role: i === 0 ? 'owner' as const : 'member' as const })),
    });
    const convId = conversation.id;
    let readCalls = 0;
    let readMs = 0;
    const read = async (userId: number, seq: number) => {
      const t0 = performance.now();
      await services.messaging.markRead(actor(userId), { conv_id: convId, seq });
      readMs += performance.now() - t0;
      readCalls += 1;
    };
    // The same active readers read each new message as it arrives; 200 others then catch up on the whole history.
    const active = ids.slice(opts.senders, opts.senders + opts.readersPerRound);
    for (let r = 0; r < opts.rounds; r++) {
      const m = await services.messaging.send(actor(ids[r % opts.senders]!), { conv_id: convId, cmid: `rf-${r}`, body: { text: `round ${r}` } });
      for (const id of active) await read(id, m.seq);
    }
    const roundReads = { calls: readCalls, ...reads };
    const last = (await store.conversations.get(convId))!.last_seq;
    reads.events = 0; reads.deliveries = 0; readCalls = 0;
    for (const id of ids.slice(opts.senders + opts.readersPerRound, opts.senders + opts.readersPerRound + 200)) await read(id, last);
    const perRead = (n: number, calls: number) => Math.round((n / Math.max(1, calls)) * 10) / 10;
    return {
      shared_up_to: sharedReadCursors,
      as_messages_arrive: { reads: roundReads.calls, deliveries_per_read: perRead(roundReads.deliveries, roundReads.calls), events_per_read: perRead(roundReads.events, roundReads.calls) },
      catching_up: { reads: readCalls, deliveries_per_read: perRead(reads.deliveries, readCalls), events_per_read: perRead(reads.events, readCalls) },
      read_ms_avg: Math.round((readMs / Math.max(1, roundReads.calls + readCalls)) * 100) / 100,
    };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
