import type { Test } from 'tap';
import { randomBytes } from 'node:crypto';
import { Keyring, SEALED_PREFIX } from '../../../central/at-rest/keyring.js';
import { masterKeysOf, masterIdOf, type MasterKey } from '../../../central/at-rest/master-keys.js';
import { sealedStore } from '../../../central/at-rest/sealed-store.js';
import { fixtures, type StoreHarness } from './harness.js';

const master = (): MasterKey => { const key = randomBytes(32); return { id: masterIdOf(key), key }; };

/** Store contract, encryption at rest: wrapped data keys, and the sealed store over this backend. */
export function atRestContract(t: Test, harness: () => StoreHarness): void {
  const f = fixtures(() => harness().store);

  t.test('data keys: first stored wins, rewrap only from the master it names', async (t) => {
    const keys = harness().store.keys;
    const owner = 800_000_000 + Math.floor(Math.random() * 90_000_000);
    t.same(await keys.list('f', owner), [], 'none before the first');
    const row = (wrapped: string, masterId = 'm1') => ({ scope: 'f' as const, owner, version: 1, master_id: masterId, wrapped, created_at: 5 });
    const stored = await Promise.all(['a', 'b', 'c', 'd'].map((w) => keys.add(row(w))));
    t.equal(new Set(stored.map((s) => s.wrapped)).size, 1, 'racing adds all get the one row stored');
    t.same(await keys.list('f', owner), [stored[0]]);
    await keys.add({ ...row('v2'), version: 2 });
    t.same((await keys.list('f', owner)).map((k) => k.version), [1, 2], 'versions lowest first');
    t.ok((await keys.wrappedOtherThan('m2', { scope: 'f', owner: owner - 1, version: 0 }, 10)).some((k) => k.owner === owner), 'listed for rewrapping under another master');
    t.equal(await keys.rewrap({ ...stored[0]!, master_id: 'm2', wrapped: 'z' }, 'other'), false, 'not from a master it is not under');
    t.equal(await keys.rewrap({ ...stored[0]!, master_id: 'm2', wrapped: 'z' }, 'm1'), true);
    t.match(await keys.list('f', owner), [{ version: 1, master_id: 'm2', wrapped: 'z' }, { version: 2, master_id: 'm1' }]);
  });

  t.test('sealed store: bodies sealed in the database, opened on every read, across rotations', async (t) => {
    const inner = harness().store;
    const m1 = master();
    const store = sealedStore(inner, new Keyring(inner.keys, masterKeysOf([m1])));
    const alice = await f.user();
    const bob = await f.user();
    const g = await f.group(alice.id, [bob.id]);
    const secret = `secret-${randomBytes(8).toString('hex')}`;
    const sent = await store.conversations.append(f.text(g.id, alice.id, { body: JSON.stringify({ text: secret }) }));
    t.same(JSON.parse(sent.message.body), { text: secret }, 'append answers the plaintext');
    const raw = (await inner.conversations.messageBySeq(g.id, sent.message.seq))!;
    t.ok(raw.body.startsWith(SEALED_PREFIX) && !raw.body.includes(secret), 'the database holds it sealed');
    t.same(JSON.parse((await store.conversations.messageBySeq(g.id, sent.message.seq))!.body), { text: secret });
    const again = await store.conversations.append(f.text(g.id, alice.id, { cmid: sent.message.cmid, body: JSON.stringify({ text: secret }) }));
    t.equal(again.created, false);
    t.same(JSON.parse(again.message.body), { text: secret }, 'a repeated send answers the stored message, opened');

    // A body stored before encryption at rest is read as it is.
    const before = await inner.conversations.append(f.text(g.id, bob.id, { body: '{"text":"plain of before"}' }));
    t.same((await store.conversations.history(g.id, { afterSeq: 0, limit: 10 })).map((m) => m.body).slice(-2),
      [JSON.stringify({ text: secret }), '{"text":"plain of before"}'], 'history opens sealed and passes plaintext');

    // The conversation key rotates: new writes under the new version, old ones still open.
    const ring = new Keyring(inner.keys, masterKeysOf([m1]));
    t.equal(await ring.rotate('c', g.id), 2);
    const rotated = sealedStore(inner, ring);
    const later = await rotated.conversations.append(f.text(g.id, alice.id, { body: '{"text":"after rotation"}' }));
    t.ok((await inner.conversations.messageBySeq(g.id, later.message.seq))!.body.startsWith(`${SEALED_PREFIX}2:`), 'sealed under version 2');
    t.same((await store.conversations.messagesBySeqs([sent.message, later.message].map((m) => ({ convId: g.id, seq: m.seq })))).map((m) => m.body),
      [JSON.stringify({ text: secret }), '{"text":"after rotation"}'], 'a keyring that knew only version 1 learns version 2 when a value names it');

    // An edit is sealed too, and sync's changes open it.
    const edit = await store.messageActions.revise({ convId: g.id, seq: before.message.seq, kind: 'text', body: '{"text":"edited secret"}', fromKinds: ['text'] });
    t.equal(edit!.message.body, '{"text":"edited secret"}');
    t.notMatch((await inner.conversations.messageBySeq(g.id, before.message.seq))!.body, 'edited');
    t.ok((await store.messageActions.changedSince(bob.id, 0, 1000)).some((m) => m.body === '{"text":"edited secret"}'));

    // The master rotates online: rewrap under m2 while m1 is still known, then m1 can go.
    const m2 = master();
    const both = new Keyring(inner.keys, masterKeysOf([m1, m2]));
    t.ok((await both.rewrapAll()).rewrapped >= 2, 'rewrapped (keys of other masters counted, left alone)');
    t.same((await inner.keys.list('c', g.id)).map((k) => k.master_id), [m2.id, m2.id], "the conversation's keys are under the new master");
    const onlyNew = sealedStore(inner, new Keyring(inner.keys, masterKeysOf([m2])));
    t.same(JSON.parse((await onlyNew.conversations.messageBySeq(g.id, sent.message.seq))!.body), { text: secret }, 'read with only the new master');
    await t.rejects(sealedStore(inner, new Keyring(inner.keys, masterKeysOf([master()]))).conversations.messageBySeq(g.id, sent.message.seq),
      /not given/, 'a wrong master reads nothing');

    // Search: the index holds keyed hashes of the words; queries hash theirs the same way.
    const word = `w${randomBytes(6).toString('hex')}`;
    await onlyNew.search.put([{ convId: g.id, seq: sent.message.seq, senderId: alice.id, createdAt: 3_000, terms: [word] }]);
    t.same((await onlyNew.search.query({ terms: [word], convIds: [g.id], limit: 5 })).map((h) => h.seq), [sent.message.seq], 'found by its word');
    t.same(await inner.search.query({ terms: [word], convIds: [g.id], limit: 5 }), [], 'the plain word is not in the index');
  });
}
