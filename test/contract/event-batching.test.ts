import t from 'tap';
import { randomUUID } from 'node:crypto';
import { connect, JSONCodec, type Msg } from 'nats';
import { NatsBus } from '../../shared/bus/nats.js';
import { SUBJECTS } from '../../shared/subjects.js';
import type { EventEnvelope } from '../../shared/protocol/wire.js';
import type { ServerEvent } from '../../shared/protocol/types.js';
import { BusEventSink } from '../../central/events.js';
import { waitFor } from '../helpers/server.js';

/**
 * Central's emit point on real NATS: the events of one turn reach each relay as one bus message (a batch), in
 * emit order, however they alternate between relays; an organisation-wide message keeps its place after the
 * per-relay events emitted before it. One bus message per event per relay cost a quarter more CPU per
 * delivered message across the cluster (docs/benchmarks.md).
 */
const NATS_URL = process.env.SWITCHBOARD_TEST_NATS ?? 'nats://127.0.0.1:4222';
const codec = JSONCodec();

const typing = (n: number): ServerEvent => ({ type: 'typing', conv_id: n, user_id: 1 } as unknown as ServerEvent);

t.test('one turn of events reaches each relay as one batch, in order; a broadcast stays after them', async (t) => {
  const relayA = `batch-a-${randomUUID()}`;
  const relayB = `batch-b-${randomUUID()}`;
  const watcher = await connect({ servers: NATS_URL });
  t.teardown(() => watcher.close());
  const seen: { subject: string; envelopes: EventEnvelope[] }[] = [];
  const record = (_: Error | null, msg: Msg) => {
    const decoded = codec.decode(msg.data) as EventEnvelope | EventEnvelope[];
    seen.push({ subject: msg.subject, envelopes: msg.headers?.has('Sb-Batch') ? decoded as EventEnvelope[] : [decoded as EventEnvelope] });
  };
  watcher.subscribe(SUBJECTS.relayEvents(relayA), { callback: record });
  watcher.subscribe(SUBJECTS.relayEvents(relayB), { callback: record });
  // Only the marker this test sends; other tests on this server may broadcast too.
  const marker = `batch-${randomUUID()}`;
  watcher.subscribe(SUBJECTS.broadcast, {
    callback: (e, msg) => {
      const env = codec.decode(msg.data) as EventEnvelope;
      if (env.kind === 'sessions_ended' && env.session_ids.includes(marker)) record(e, msg);
    },
  });
  await watcher.flush();

  const bus = await NatsBus.connect([NATS_URL]);
  t.teardown(() => bus.close());
  const sink = new BusEventSink(bus, { routeTtlMs: 60_000, warmupMs: 0 });
  sink.located([
    { user_id: 1, session_id: 's1', relay: relayA, connected: true },
    { user_id: 2, session_id: 's2', relay: relayB, connected: true },
  ]);

  for (let n = 1; n <= 50; n++) sink.emit(typing(n), [1, 2]);
  sink.sessionsEnded([marker], 'test');
  sink.emit(typing(51), [1]);

  await waitFor(() => seen.reduce((sum, s) => sum + s.envelopes.length, 0) >= 102, 10_000);
  const toA = seen.filter((s) => s.subject === SUBJECTS.relayEvents(relayA));
  const toB = seen.filter((s) => s.subject === SUBJECTS.relayEvents(relayB));
  t.equal(toB.length, 1, 'relay B: fifty events in one bus message');
  t.equal(toA.length, 2, 'relay A: fifty in one bus message, the one after the broadcast in another');
  const convIds = (list: typeof seen) => list.flatMap((s) => s.envelopes).map((e) => (e.kind === 'event' ? (e.event as { conv_id: number }).conv_id : -1));
  t.same(convIds(toA), Array.from({ length: 51 }, (_, i) => i + 1), 'relay A in emit order');
  t.same(convIds(toB), Array.from({ length: 50 }, (_, i) => i + 1), 'relay B in emit order');
  t.same(seen.map((s) => s.subject), [SUBJECTS.relayEvents(relayA), SUBJECTS.relayEvents(relayB), SUBJECTS.broadcast, SUBJECTS.relayEvents(relayA)],
    'the broadcast after the events emitted before it and before the one emitted after it');
  sink.stop();
});
