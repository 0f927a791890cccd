import type { Test } from 'tap';
import { fixtures, type StoreHarness } from './harness.js';

/** Store contract, message actions: revise (recall, edit), the change log sync reads, the message policy. */
export function messageActionsContract(t: Test, harness: () => StoreHarness): void {
  const { user, group, text } = fixtures(() => harness().store);

  t.test('message actions: a revision rewrites the message, logs the change past every earlier position, reaches the members', async (t) => {
    const s = harness().store;
    const a = await user(); const b = await user(); const outsider = await user();
    const g = await group(a.id, [b.id]);
    const m1 = (await s.conversations.append(text(g.id, a.id, { body: '{"text":"one"}' }))).message;
    const m2 = (await s.conversations.append(text(g.id, b.id, { body: '{"text":"two"}' }))).message;
    const since = (await s.conversations.changedSince(a.id, 0)).pos;
    t.same(await s.messageActions.changedSince(a.id, since, 10), [], 'nothing changed yet');

    const edit = await s.messageActions.revise({ convId: g.id, seq: m1.seq, kind: 'text', body: '{"text":"uno","edited_at":9000}', fromKinds: ['text'] });
    t.ok(edit?.changed, 'an edit applies');
    t.same(edit!.message, { ...m1, body: '{"text":"uno","edited_at":9000}' }, 'the same message, the new body');
    t.same(edit!.recipients.sort(), [a.id, b.id].sort(), 'the active members');
    t.same(await s.conversations.messageBySeq(g.id, m1.seq), edit!.message, 'read back');
    t.equal((await s.conversations.history(g.id, { afterSeq: 0, limit: 10 })).find((m) => m.seq === m1.seq)?.body, '{"text":"uno","edited_at":9000}', 'history');

    const recall = await s.messageActions.revise({ convId: g.id, seq: m2.seq, kind: 'recalled', body: '{"recalled_by":1}', fromKinds: ['text', 'file', 'bundle'] });
    t.ok(recall?.changed);
    t.match(recall!.message, { kind: 'recalled', body: '{"recalled_by":1}' });
    const lateEdit = await s.messageActions.revise({ convId: g.id, seq: m2.seq, kind: 'text', body: '{"text":"x"}', fromKinds: ['text'] });
    t.equal(lateEdit?.changed, false, 'an edit after the recall does not apply');
    t.equal(lateEdit?.message.kind, 'recalled', 'and reports what is there');
    t.equal(await s.messageActions.revise({ convId: g.id, seq: 999, kind: 'text', body: '{}', fromKinds: ['text'] }), null, 'no such message');

    const changed = await s.messageActions.changedSince(b.id, since, 10);
    t.same(changed.map((m) => m.seq), [m2.seq, m1.seq], 'newest change first, each message once');
    t.equal(changed[0]!.kind, 'recalled', 'in its current state');
    t.same((await s.messageActions.changedSince(b.id, since, 1)).map((m) => m.seq), [m2.seq], 'bounded by the limit');
    t.same(await s.messageActions.changedSince(outsider.id, 0, 10), [], 'nothing from conversations one is not in');
    const { pos, changes } = await s.conversations.changedSince(b.id, since);
    t.ok(pos > since, 'the position moved');
    t.ok(changes.some((c) => c.conversation.id === g.id), 'recalling the last message changes the conversation for sync');
    t.same(await s.messageActions.changedSince(b.id, pos, 10), [], 'nothing after the new position');
  });

  t.test('message actions: the policy has defaults and keeps what is set', async (t) => {
    const s = harness().store;
    const before = await s.messageActions.policy();
    t.type(before.recall_window, 'number');
    t.type(before.edit_window, 'number');
    t.same(await s.messageActions.setPolicy({ recall_window: 120, edit_window: 0 }), { recall_window: 120, edit_window: 0 });
    t.same(await s.messageActions.policy(), { recall_window: 120, edit_window: 0 });
    await s.messageActions.setPolicy(before);
    t.same(await s.messageActions.policy(), before, 'restored');
  });
}
