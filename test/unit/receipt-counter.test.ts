import t from 'tap';
import type { ConversationView, MessageView } from '../../shared/protocol/types.js';
import { applyEvent, emptyState, readBy, receiptCounter } from '../../shared/sdk/state.js';
import { prng } from '../helpers/prng.js';

const conv = (cursors: number[], lastSeq: number): ConversationView => ({
  id: 1, kind: 'group', title: 'g', notice: '', owner_id: 1, last_seq: lastSeq, last_message: null, created_at: 0,
  members: cursors.map((read_seq, i) => ({ user_id: i + 1, name: `u${i + 1}`, role: i === 0 ? 'owner' : 'member', read_seq })),
  discussion: false, mute_all: false, dissolved: false, mention_all_policy: 'admins', cursors_shared: true,
  read_seq: cursors[0] ?? 0, unread: 0, muted: false, mentions_unread: 0, mention_seqs: [],
});
const msg = (seq: number, sender: number, body: MessageView['body'] = { text: 'x' }): MessageView => ({ id: seq, conv_id: 1, seq, sender_id: sender, cmid: `c${seq}`, kind: 'text', body, created_at: 0 });

t.test('receiptCounter: the same counts as a pass over the members, for senders in and out of the group', async (t) => {
  const rand = prng(7);
  for (let round = 0; round < 50; round++) {
    const n = 1 + Math.floor(rand() * 60);
    const c = conv(Array.from({ length: n }, () => Math.floor(rand() * 40)), 40);
    const count = receiptCounter(c);
    for (let seq = 1; seq <= 40; seq++) {
      const m = msg(seq, 1 + Math.floor(rand() * (n + 3)));
      const want = readBy(c, m);
      t.same(count(m), { read: want.read, of: want.of }, `round ${round} seq ${seq}`);
    }
  }
});

t.test('mentions in the reducer: counted for me only, cleared by reading past them, by my own message', async (t) => {
  const s = emptyState(2);
  s.conversations[1] = conv([3, 3, 3], 3);
  applyEvent(s, { type: 'message.new', conv_id: 1, message: msg(4, 1, { text: '@u2', mentions: [2] }) });
  applyEvent(s, { type: 'message.new', conv_id: 1, message: msg(5, 1, { text: '@u3', mentions: [3] }) });
  applyEvent(s, { type: 'message.new', conv_id: 1, message: msg(6, 3, { text: '@所有人', mention_all: true }) });
  t.match(s.conversations[1], { unread: 3, mentions_unread: 2, mention_seqs: [4, 6] });
  applyEvent(s, { type: 'read.updated', conv_id: 1, user_id: 2, read_seq: 5 });
  t.match(s.conversations[1], { mentions_unread: 1, mention_seqs: [6] }, 'reading past the first');
  applyEvent(s, { type: 'message.new', conv_id: 1, message: msg(7, 2, { text: 'ok' }) });
  t.match(s.conversations[1], { mentions_unread: 0, mention_seqs: [] }, 'my own message reads everything');
  applyEvent(s, { type: 'message.new', conv_id: 1, message: msg(8, 2, { text: '@me', mentions: [2] }) });
  t.equal(s.conversations[1]!.mentions_unread, 0, 'not by myself');
});
