import t from 'tap';
import { AppError } from '../../shared/errors.js';
import { URGENT_PER_HOUR } from '../../core/messaging/service.js';
import { makeUser, startServer } from '../helpers/server.js';

/** 紧急 messages: stored as such, bounded per sender, not carried by forwarded copies. */
const codeOf = (p: Promise<unknown>) => p.then(() => 'ok', (e: unknown) => (e instanceof AppError ? e.code : String(e)));

t.test('an urgent message is stored and shown as urgent, at most URGENT_PER_HOUR an hour; a forwarded copy is not urgent', async (t) => {
  const server = await startServer();
  t.teardown(() => server.stop());
  const [a, b] = [await makeUser(server, 'A'), await makeUser(server, 'B')];
  const direct = await a.api.call('conv.direct', { user_id: b.user.id });
  const sent = await a.api.call('msg.send', { conv_id: direct.id, cmid: 'u0', body: { text: '马上回电话', urgent: true } });
  t.match(sent.body, { text: '马上回电话', urgent: true });
  const plain = await a.api.call('msg.send', { conv_id: direct.id, cmid: 'p0', body: { text: '不急', urgent: false } });
  t.notOk('urgent' in plain.body, 'urgent false is simply not urgent');
  const seen = await b.api.call('msg.history', { conv_id: direct.id });
  t.match(seen.messages[0]!.body, { urgent: true }, 'the recipient sees it as urgent');

  for (let i = 1; i < URGENT_PER_HOUR; i++) await a.api.call('msg.send', { conv_id: direct.id, cmid: `u${i}`, body: { text: `第 ${i} 条`, urgent: true } });
  t.equal(await codeOf(a.api.call('msg.send', { conv_id: direct.id, cmid: 'u-over', body: { text: '太多了', urgent: true } })), 'SB_RATE_LIMITED', `the ${URGENT_PER_HOUR + 1}th in an hour is refused`);
  t.equal((await a.api.call('msg.send', { conv_id: direct.id, cmid: 'p1', body: { text: '普通的还可以' } })).seq > 0, true, 'ordinary messages go on');
  t.equal((await b.api.call('msg.history', { conv_id: direct.id, limit: 200 })).messages.filter((m) => m.cmid === 'u-over').length, 0, 'the refused one was not stored');

  const other = await b.api.call('conv.direct', { user_id: a.user.id });
  const group = await b.api.call('conv.group', { title: '转发目标', member_ids: [a.user.id], cmid: 'g1' });
  t.equal(other.id, direct.id);
  const fwd = await b.api.call('msg.forward', { from_conv_id: direct.id, seqs: [sent.seq], to_conv_ids: [group.id], mode: 'each', cmid: 'f1' });
  t.notOk('urgent' in fwd.messages[0]!.body, 'a forwarded copy is not urgent');
});
