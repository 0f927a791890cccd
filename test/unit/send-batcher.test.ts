import t from 'tap';
import { SendBatcher } from '../../relay/send-batcher.js';
import { AppError } from '../../shared/errors.js';
import { INTERNAL, MAX_SENDS_PER_BATCH } from '../../shared/protocol/api.js';

/** The relay's batching of WebSocket sends, against a recorded central. */
type Call = { method: string; payload: any };

function recorder(answer: (call: Call) => Promise<unknown>) {
  const calls: Call[] = [];
  const request = <T>(method: string, payload: unknown): Promise<T> => {
    const call = { method, payload };
    calls.push(call);
    return answer(call) as Promise<T>;
  };
  return { calls, request };
}

const credential = { token: 'token-of-user-7' };
const echo = async (call: Call) => (call.method === INTERNAL.sendMany
  ? { results: call.payload.params.items.map((item: any) => (item.params.fail
    ? { ok: false, error: new AppError('SB_NOT_MEMBER').toBody() }
    : { ok: true, result: { cmid: item.params.cmid } })) }
  : { cmid: call.payload.params.cmid });

t.test('sends of one turn go as one msg.sendMany; each gets its own result or coded error, in order', async (t) => {
  const { calls, request } = recorder(echo);
  const batcher = new SendBatcher(request);
  const settled = await Promise.allSettled([1, 2, 3, 4].map((i) => batcher.send({ credential, params: { cmid: `c${i}`, fail: i === 3 } })));
  t.same(calls.map((c) => c.method), [INTERNAL.sendMany], 'one request');
  t.same(calls[0]!.payload.params.items.map((i: any) => i.params.cmid), ['c1', 'c2', 'c3', 'c4']);
  t.same(settled.map((s) => (s.status === 'fulfilled' ? (s.value as { cmid: string }).cmid : (s.reason as AppError).code)), ['c1', 'c2', 'SB_NOT_MEMBER', 'c4']);
});

t.test('a lone send stays a plain msg.send; later turns make new requests', async (t) => {
  const { calls, request } = recorder(echo);
  const batcher = new SendBatcher(request);
  t.same(await batcher.send({ credential, params: { cmid: 'only' } }), { cmid: 'only' });
  await Promise.all([batcher.send({ credential, params: { cmid: 'a' } }), batcher.send({ credential, params: { cmid: 'b' } })]);
  t.same(calls.map((c) => c.method), ['msg.send', INTERNAL.sendMany]);
});

t.test('a burst larger than one batch is split', async (t) => {
  const { calls, request } = recorder(echo);
  const batcher = new SendBatcher(request);
  const n = MAX_SENDS_PER_BATCH * 2 + 1;
  const results = await Promise.all(Array.from({ length: n }, (_, i) => batcher.send<{ cmid: string }>({ credential, params: { cmid: `m${i}` } })));
  t.same(calls.map((c) => c.payload.params?.items?.length ?? 1), [MAX_SENDS_PER_BATCH, MAX_SENDS_PER_BATCH, 1]);
  t.same(results.map((r) => r.cmid), Array.from({ length: n }, (_, i) => `m${i}`));
});

t.test('when the request fails, every send in it fails with that code', async (t) => {
  const { request } = recorder(async () => { throw new AppError('SB_BUSY'); });
  const batcher = new SendBatcher(request);
  const settled = await Promise.allSettled([1, 2, 3].map((i) => batcher.send({ credential, params: { cmid: `x${i}` } })));
  t.same(settled.map((s) => s.status === 'rejected' && (s.reason as AppError).code), ['SB_BUSY', 'SB_BUSY', 'SB_BUSY']);
});
