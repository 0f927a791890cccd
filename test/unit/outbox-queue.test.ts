import t from 'tap';
import WebSocket from 'ws';
import { SwitchboardClient, decodeQueue, encodeQueue, type QueuedSend, type WebSocketCtor } from '../../shared/sdk/client.js';

/** A client that never starts: what it queues stays queued, as on a page that is offline. */
function offlineClient(): SwitchboardClient {
  return new SwitchboardClient({ baseUrl: 'http://127.0.0.1:9', token: 'unused', WebSocket: WebSocket as unknown as WebSocketCtor });
}

t.test('a queued send keeps its mentions, @所有人 and reply across a reload', async (t) => {
  const before = offlineClient();
  void before.send(7, '@王芳 @所有人 收到', 'cmid-1', { mentions: [4, 9], mention_all: true, replyTo: 12 }).catch(() => {});
  void before.send(7, 'plain', 'cmid-2').catch(() => {});
  void before.shareFile(8, 33, 'cmid-3').catch(() => {});
  const saved = encodeQueue(before.queued());

  const after = offlineClient();
  for (const q of decodeQueue(saved)) void after.resend(q).catch(() => {});
  t.same(after.queued(), [
    { convId: 7, cmid: 'cmid-1', body: { text: '@王芳 @所有人 收到', mentions: [4, 9], mention_all: true, reply_to: 12 } },
    { convId: 7, cmid: 'cmid-2', body: { text: 'plain' } },
    { convId: 8, cmid: 'cmid-3', body: { file_id: 33 } },
  ], 'the same sends, in order, with every parameter');
  t.same(after.queued(), before.queued());

  const copy = after.queued();
  (copy[0]!.body as { mentions: number[] }).mentions.push(99);
  t.same((after.queued()[0]!.body as { mentions: number[] }).mentions, [4, 9], 'queued() hands out copies, not the queue itself');
});

t.test('saved queues of before (text only) still load; unusable items and fields are left out', async (t) => {
  t.same(decodeQueue(JSON.stringify([{ convId: 3, cmid: 'old', text: 'from an older page' }])), [{ convId: 3, cmid: 'old', body: { text: 'from an older page' } }]);
  t.same(decodeQueue(null), []);
  t.same(decodeQueue('{not json'), []);
  t.same(decodeQueue('{"convId": 1}'), [], 'not a list');
  const mixed: unknown[] = [
    { convId: 0, cmid: 'a', body: { text: 'x' } },
    { convId: 2, cmid: '', body: { text: 'x' } },
    { convId: 2, cmid: 'b', body: { nothing: true } },
    null,
    { convId: 2, cmid: 'c', body: { text: 'kept', mentions: [1, 'x'], mention_all: 'yes', reply_to: -1, extra: 1 } },
  ];
  const kept: QueuedSend[] = decodeQueue(JSON.stringify(mixed));
  t.same(kept, [{ convId: 2, cmid: 'c', body: { text: 'kept' } }], 'only well-formed fields travel on');
});
