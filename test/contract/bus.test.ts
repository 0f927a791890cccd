import t, { type Test } from 'tap';
import { connect } from 'nats';
import { AppError } from '../../shared/errors.js';
import type { Bus } from '../../shared/bus/bus.js';
import { MemoryBus } from '../../shared/bus/memory.js';
import { NatsBus } from '../../shared/bus/nats.js';
import { waitFor } from '../helpers/server.js';

/**
 * One contract for every Bus: the in-process bus of all-in-one and NATS. What
 * central and relays rely on: replies and coded errors cross intact, a queue
 * group answers each request once, and publishes arrive complete and in order,
 * however they are packed on the wire.
 */
const NATS_URL = process.env.SWITCHBOARD_TEST_NATS ?? 'nats://127.0.0.1:4222';
let prefixCount = 0;
const prefix = () => `sbtest.${process.pid}.${++prefixCount}`;

function busContract(t: Test, open: () => Promise<Bus>): void {
  let bus: Bus;
  t.before(async () => { bus = await open(); });
  t.teardown(() => bus.close());

  t.test('a request gets its reply; a coded error crosses as the same code', async (t) => {
    const p = prefix();
    const stop = bus.serve(`${p}.>`, async (payload: { n: number }, subject) => {
      if (payload.n < 0) throw new AppError('SB_VALIDATION', 'n: must not be negative', { field: 'n' });
      return { doubled: payload.n * 2, subject, text: '中文 ✓' };
    });
    t.teardown(stop);
    t.same(await bus.request(`${p}.double`, { n: 21 }), { doubled: 42, subject: `${p}.double`, text: '中文 ✓' });
    const err = await bus.request(`${p}.double`, { n: -1 }).catch((e: unknown) => e) as AppError;
    t.ok(err instanceof AppError);
    t.equal(err.code, 'SB_VALIDATION');
    t.same(err.details, { field: 'n' });
  });

  t.test('nobody serving the subject is SB_CENTRAL_UNAVAILABLE, not a hang', async (t) => {
    const err = await bus.request(`${prefix()}.nobody`, {}, { timeoutMs: 1_000 }).catch((e: unknown) => e) as AppError;
    t.equal(err.code, 'SB_CENTRAL_UNAVAILABLE');
  });

  t.test('a queue group answers each request exactly once', async (t) => {
    const p = prefix();
    const seen: number[] = [];
    const stops = [1, 2].map((member) => bus.serve(`${p}.work`, async (payload: { i: number }) => { seen.push(payload.i); return member; }, { queue: `${p}-q` }));
    t.teardown(() => stops.forEach((s) => s()));
    const answers = await Promise.all(Array.from({ length: 60 }, (_, i) => bus.request<number>(`${p}.work`, { i })));
    t.equal(answers.length, 60);
    t.same([...seen].sort((a, b) => a - b), Array.from({ length: 60 }, (_, i) => i), 'every request handled once');
  });

  t.test('a burst of publishes arrives complete and in order', async (t) => {
    const p = prefix();
    const got: number[] = [];
    const stop = bus.subscribe(`${p}.events`, (payload: { i: number }) => { got.push(payload.i); });
    t.teardown(stop);
    await settle(bus);
    for (let i = 0; i < 500; i++) bus.publish(`${p}.events`, { i, pad: 'x'.repeat(i % 7) });
    await waitFor(() => got.length >= 500);
    await new Promise((r) => setTimeout(r, 100));
    t.same(got, Array.from({ length: 500 }, (_, i) => i));
  });

  t.test('payloads larger than one batch are split, not dropped', async (t) => {
    const p = prefix();
    const got: string[] = [];
    const stop = bus.subscribe(`${p}.big`, (payload: { s: string }) => { got.push(payload.s); });
    t.teardown(stop);
    await settle(bus);
    const items = ['a', 'b', 'c', 'd'].map((c) => c.repeat(200_000));
    for (const s of items) bus.publish(`${p}.big`, { s });
    bus.publish(`${p}.big`, { s: 'last' });
    await waitFor(() => got.length >= 5);
    t.same(got.map((s) => s.slice(0, 1) + s.length), ['a200000', 'b200000', 'c200000', 'd200000', 'l4']);
  });

  t.test('publishes to different subjects keep their order per subject', async (t) => {
    const p = prefix();
    const got: string[] = [];
    const stop = bus.subscribe(`${p}.*`, (payload: { k: string }, subject) => { got.push(`${subject.slice(p.length + 1)}:${payload.k}`); });
    t.teardown(stop);
    await settle(bus);
    for (const k of ['1', '2', '3']) { bus.publish(`${p}.x`, { k }); bus.publish(`${p}.y`, { k }); }
    bus.publish(`${p}.x`, { k: '4' });
    bus.publish(`${p}.x`, { k: '5' });
    await waitFor(() => got.length >= 8);
    t.same(got.filter((g) => g.startsWith('x')), ['x:1', 'x:2', 'x:3', 'x:4', 'x:5']);
    t.same(got.filter((g) => g.startsWith('y')), ['y:1', 'y:2', 'y:3']);
  });
}

/** Lets a subscription reach the server before the test publishes. */
async function settle(bus: Bus): Promise<void> {
  if (bus instanceof NatsBus) await new Promise((r) => setTimeout(r, 100));
}

t.test('MemoryBus', async (t) => busContract(t, async () => new MemoryBus()));

const natsDown = await connect({ servers: NATS_URL, timeout: 2_000, maxReconnectAttempts: 0 }).then((nc) => nc.close().then(() => null), (e: Error) => e.message);
const skip = natsDown ? `NATS is not reachable at ${NATS_URL} (${natsDown}); skipping the NATS bus contract` : false;

t.test('NatsBus', { skip }, async (t) => {
  busContract(t, () => NatsBus.connect([NATS_URL], { requestTimeoutMs: 2_000 }));

  t.test('a burst travels as few NATS messages, unpacked for subscribers', async (t) => {
    const bus = await NatsBus.connect([NATS_URL]);
    const raw = await connect({ servers: NATS_URL });
    t.teardown(async () => { await bus.close(); await raw.close(); });
    const subject = `${prefix()}.burst`;
    let wireMessages = 0;
    const rawSub = raw.subscribe(subject, { callback: () => { wireMessages++; } });
    const got: number[] = [];
    const stop = bus.subscribe(subject, (payload: { i: number }) => { got.push(payload.i); });
    t.teardown(() => { stop(); rawSub.unsubscribe(); });
    await raw.flush();
    await new Promise((r) => setTimeout(r, 100));
    for (let i = 0; i < 200; i++) bus.publish(subject, { i });
    await waitFor(() => got.length >= 200);
    await raw.flush();
    t.same(got, Array.from({ length: 200 }, (_, i) => i), 'all 200, in order');
    t.ok(wireMessages >= 1 && wireMessages < 10, `200 publishes in one turn crossed as ${wireMessages} NATS message(s)`);
  });

  t.test('a subscriber that throws is reported; the rest of its batch and the connection carry on', async (t) => {
    const failures: string[] = [];
    const bus = await NatsBus.connect([NATS_URL], { onHandlerError: (e, subject) => failures.push(`${subject}: ${(e as Error).message}`) });
    t.teardown(() => bus.close());
    const p = prefix();
    const got: number[] = [];
    const stop = bus.subscribe(`${p}.events`, (payload: { i: number }) => {
      if (payload.i === 3) throw new Error('bad event');
      got.push(payload.i);
    });
    const unserve = bus.serve(`${p}.ping`, async () => 'pong');
    t.teardown(() => { stop(); unserve(); });
    await settle(bus);
    for (let i = 0; i < 6; i++) bus.publish(`${p}.events`, { i });
    await waitFor(() => got.length >= 5);
    t.same(got, [0, 1, 2, 4, 5], 'every other payload of the batch delivered');
    t.same(failures, [`${p}.events: bad event`]);
    t.equal(await bus.request(`${p}.ping`, {}), 'pong', 'the connection still works');
    t.ok(bus.connected());
  });
});
