import type { Test } from 'tap';
import type { AppendInput, MemberRecord, Store } from '../../core/ports.js';
import { AppError } from '../../shared/errors.js';
import { auditChainContract } from './audit-chain.js';

/**
 * The Store contract: every store (SQLite, MySQL/MariaDB) must pass it. The
 * suite shares one database per run, so each case makes its own users and
 * conversations and never assumes an empty table.
 */
export interface StoreHarness {
  store: Store;
  /** Another process's handle on the same database, for stores that allow several central processes. */
  sibling?: () => Promise<Store>;
  /** SQL run on the database behind the store's back, as an intruder with database access would. */
  raw?: (sql: string, params?: unknown[]) => Promise<void>;
}

let unique = 0;
const tag = () => `${process.pid}-${Date.now().toString(36)}-${++unique}`;

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'resolved';
  } catch (e) {
    return e instanceof AppError ? e.code : `other: ${(e as Error).message}`;
  }
}

export function storeContract(t: Test, harness: () => Promise<StoreHarness>): void {
  let h: StoreHarness;
  let s: Store;
  t.before(async () => { h = await harness(); s = h.store; });

  const user = async (name = 'User') => s.users.create({ account: `acct-${tag()}`, name, passwordHash: 'hash', isAdmin: false, at: 1_000 });
  const group = async (ownerId: number, memberIds: number[], title = 'Group') => {
    const r = await s.conversations.create({
      kind: 'group', title, ownerId, directKey: null,
      members: [{ userId: ownerId, role: 'owner' }, ...memberIds.map((userId) => ({ userId, role: 'member' as const }))],
      first: { senderId: ownerId, cmid: `create-${tag()}`, body: '{"event":"created"}', at: 2_000 },
    });
    return r.conversation;
  };
  const text = (convId: number, senderId: number, extra: Partial<AppendInput> = {}): AppendInput => ({
    convId, senderId, cmid: `m-${tag()}`, kind: 'text', body: JSON.stringify({ text: 'hi' }), at: 3_000, requireMember: true, ...extra,
  });
  const member = async (convId: number, userId: number): Promise<MemberRecord> => (await s.conversations.membership(convId, userId))!;

  t.test('users: create, look up, conflict, list, update, count', async (t) => {
    const before = await s.users.count();
    const acct = `Zhang-${tag()}`;
    const u = await s.users.create({ account: acct, name: '张伟 Wei', passwordHash: 'h1', isAdmin: true, at: 10 });
    t.ok(u.id > 0);
    t.match(u, { account: acct, name: '张伟 Wei', password_hash: 'h1', is_admin: true, disabled: false, created_at: 10, updated_at: 10 });
    t.equal(await code(s.users.create({ account: acct, name: 'x', passwordHash: 'h', isAdmin: false, at: 11 })), 'SB_CONFLICT', 'duplicate account');
    t.equal(await s.users.count(), before + 1, 'count grew by one');
    t.same(await s.users.byId(u.id), u);
    t.same(await s.users.byAccount(acct), u);
    t.equal(await s.users.byId(987_654_321), null);
    t.equal(await s.users.byAccount(`nobody-${tag()}`), null);
    const v = await user('Second');
    t.same((await s.users.byIds([u.id, v.id])).map((x) => x.id).sort((a, b) => a - b), [u.id, v.id].sort((a, b) => a - b));
    t.same(await s.users.byIds([]), []);

    const marker = `q${tag()}`;
    const listed = [];
    for (let i = 0; i < 5; i++) listed.push(await s.users.create({ account: `${marker}-${i}`, name: `Name ${i}`, passwordHash: 'h', isAdmin: false, at: 1 }));
    const byQuery = await s.users.list({ limit: 100, query: marker.toUpperCase() });
    t.same(byQuery.map((x) => x.id), listed.map((x) => x.id), 'query matches by substring, case-insensitively, ordered by id');
    const page = await s.users.list({ limit: 2, query: marker, afterId: listed[1]!.id });
    t.same(page.map((x) => x.id), [listed[2]!.id, listed[3]!.id], 'afterId + limit pages');
    t.same(await s.users.list({ limit: 10, query: `${marker}%` }), [], '% is literal, not a wildcard');
    t.same(await s.users.list({ limit: 10, query: `${marker}_0`.replace('-', '_') }), [], '_ is literal, not a wildcard');
    const byName = await s.users.list({ limit: 10, query: '张伟' });
    t.ok(byName.some((x) => x.id === u.id), 'name matches too');

    const up = await s.users.update(u.id, { name: 'Renamed', disabled: true }, 20);
    t.match(up, { id: u.id, name: 'Renamed', disabled: true, is_admin: true, password_hash: 'h1', updated_at: 20 });
    const up2 = await s.users.update(u.id, { isAdmin: false, passwordHash: 'h2', disabled: false }, 30);
    t.match(up2, { name: 'Renamed', disabled: false, is_admin: false, password_hash: 'h2', updated_at: 30 });
    t.equal(await s.users.update(987_654_321, { name: 'x' }, 1), null, 'unknown id');
  });

  t.test('sessions: create, look up, revoke, revoke all, list active', async (t) => {
    const u = await user();
    const other = await user();
    const mk = (id: string, userId: number, createdAt: number, expiresAt: number) => ({
      id, user_id: userId, token_hash: `th-${id}`, device_type: 'web' as const, device_name: 'Firefox', ip: '10.0.0.1',
      created_at: createdAt, expires_at: expiresAt, last_seen_at: createdAt,
    });
    const k = tag().replace(/[^a-z0-9]/gi, '').slice(-20);
    await s.sessions.create(mk(`a${k}`, u.id, 100, 10_000));
    await s.sessions.create(mk(`b${k}`, u.id, 200, 10_000));
    await s.sessions.create(mk(`c${k}`, u.id, 300, 500));
    await s.sessions.create({ ...mk(`d${k}`, other.id, 400, 10_000), ip: null });
    t.match(await s.sessions.byTokenHash(`th-a${k}`), { id: `a${k}`, user_id: u.id, revoked_at: null, ip: '10.0.0.1', device_type: 'web' });
    t.match(await s.sessions.byId(`d${k}`), { ip: null });
    t.equal(await s.sessions.byId('missing'), null);
    t.equal(await s.sessions.byTokenHash('missing'), null);

    const active = await s.sessions.listActive({ userId: u.id, now: 1_000, limit: 10 });
    t.same(active.map((x) => x.id), [`b${k}`, `a${k}`], 'newest first, expired left out');
    t.same((await s.sessions.listActive({ userId: u.id, now: 1_000, limit: 1 })).map((x) => x.id), [`b${k}`]);
    const all = await s.sessions.listActive({ now: 1_000, limit: 10_000 });
    t.ok(all.some((x) => x.id === `d${k}`) && all.some((x) => x.id === `a${k}`), 'without userId: everyone');

    const revoked = await s.sessions.revoke(`a${k}`, 900);
    t.match(revoked, { id: `a${k}`, revoked_at: 900 });
    t.equal(await s.sessions.revoke(`a${k}`, 901), null, 'second revoke is a no-op');
    t.equal((await s.sessions.byId(`a${k}`))!.revoked_at, 900);

    const ended = await s.sessions.revokeAllForUser(u.id, 950);
    t.same(ended.map((x) => x.id).sort(), [`b${k}`, `c${k}`], 'every unrevoked session of the user');
    t.ok(ended.every((x) => x.revoked_at === 950));
    t.same(await s.sessions.listActive({ userId: u.id, now: 0, limit: 10 }), []);
    t.same(await s.sessions.revokeAllForUser(u.id, 960), []);
    t.equal((await s.sessions.byId(`d${k}`))!.revoked_at, null, 'other users untouched');
  });

  t.test('conversations: create a group, idempotent by the creating cmid', async (t) => {
    const a = await user(); const b = await user(); const c = await user();
    const cmid = `create-${tag()}`;
    const input = {
      kind: 'group' as const, title: '项目组', ownerId: a.id, directKey: null,
      members: [{ userId: a.id, role: 'owner' as const }, { userId: b.id, role: 'member' as const }, { userId: c.id, role: 'admin' as const }],
      first: { senderId: a.id, cmid, body: '{"event":"created"}', at: 5_000 },
    };
    const r = await s.conversations.create(input);
    t.equal(r.created, true);
    t.match(r.conversation, { kind: 'group', title: '项目组', notice: '', owner_id: a.id, direct_key: null, last_seq: 1, created_at: 5_000 });
    t.match(r.message, { conv_id: r.conversation.id, seq: 1, sender_id: a.id, cmid, kind: 'system', body: '{"event":"created"}', pos: r.conversation.pos });
    const members = await s.conversations.members(r.conversation.id);
    t.same(members.map((m) => [m.user_id, m.role, m.active, m.muted, m.joined_seq, m.read_seq]),
      [[a.id, 'owner', true, false, 1, 1], [b.id, 'member', true, false, 1, 1], [c.id, 'admin', true, false, 1, 1]].sort((x, y) => (x[0] as number) - (y[0] as number)));
    const again = await s.conversations.create(input);
    t.equal(again.created, false, 'the retry finds the original');
    t.equal(again.conversation.id, r.conversation.id);
    t.equal(again.message!.id, r.message!.id);
    t.same(await s.conversations.get(r.conversation.id), r.conversation);
    t.equal(await s.conversations.get(987_654_321), null);
  });

  t.test('conversations: direct conversations are unique per key', async (t) => {
    const a = await user(); const b = await user();
    const key = `${Math.min(a.id, b.id)}:${Math.max(a.id, b.id)}`;
    const input = { kind: 'direct' as const, title: '', ownerId: null, directKey: key, members: [{ userId: a.id, role: 'member' as const }, { userId: b.id, role: 'member' as const }], first: null };
    const [one, two] = await Promise.all([s.conversations.create(input), s.conversations.create(input)]);
    t.equal(one!.conversation.id, two!.conversation.id, 'concurrent creation yields one conversation');
    t.equal([one!.created, two!.created].filter(Boolean).length, 1);
    t.equal(one!.message, null);
    t.match(one!.conversation, { kind: 'direct', direct_key: key, last_seq: 0, owner_id: null });
    t.same(await s.conversations.byDirectKey(key), one!.conversation);
    t.equal(await s.conversations.byDirectKey(`none-${tag()}`), null);
    const m = await s.conversations.append(text(one!.conversation.id, b.id));
    t.equal(m.message.seq, 1, 'first message of an empty direct conversation is seq 1');
  });

  t.test('append: seq, idempotent retry, membership and role checks, read cursor', async (t) => {
    const a = await user(); const b = await user(); const outsider = await user();
    const g = await group(a.id, [b.id]);
    const m2 = await s.conversations.append(text(g.id, b.id, { cmid: `x-${tag()}`, at: 7_000 }));
    t.equal(m2.created, true);
    t.same([...m2.recipients].sort((x, y) => x - y), [a.id, b.id].sort((x, y) => x - y), 'the recipients are the active members');
    t.match(m2.message, { conv_id: g.id, seq: 2, sender_id: b.id, kind: 'text', created_at: 7_000 });
    t.ok(m2.message.pos > g.pos, 'position moves forward');
    const retry = await s.conversations.append(text(g.id, b.id, { cmid: m2.message.cmid, body: '"different"' }));
    t.equal(retry.created, false, 'same (sender, cmid) is a retry');
    t.same(retry.recipients, [], 'a retry is delivered to nobody again');
    t.same(retry.message, m2.message, 'and returns the original message');
    t.equal((await s.conversations.get(g.id))!.last_seq, 2, 'a retry assigns no seq');
    const other = await group(b.id, [a.id]);
    const crossed = await s.conversations.append(text(other.id, b.id, { cmid: m2.message.cmid }));
    t.equal(crossed.created, false, 'a cmid is unique per sender, even in another conversation');
    t.equal(crossed.message.conv_id, g.id);
    t.equal((await member(g.id, b.id)).read_seq, 2, 'the sender has read their own message');
    t.equal((await member(g.id, a.id)).read_seq, 1);

    t.equal(await code(s.conversations.append(text(g.id, outsider.id))), 'SB_NOT_MEMBER');
    t.equal(await code(s.conversations.append(text(987_654_321, a.id))), 'SB_NOT_MEMBER', 'unknown conversation');
    const sys = await s.conversations.append(text(g.id, outsider.id, { kind: 'system', requireMember: false }));
    t.equal(sys.message.seq, 3, 'a system message may come from a non-member');
    t.equal(await code(s.conversations.append(text(g.id, b.id, { requireRole: ['owner', 'admin'] }))), 'SB_FORBIDDEN');
    const ok = await s.conversations.append(text(g.id, a.id, { requireRole: ['owner'] }));
    t.equal(ok.message.seq, 4, 'failed appends used no seq');
    t.same((await s.conversations.history(g.id, { afterSeq: 0, limit: 100 })).map((m) => m.seq), [1, 2, 3, 4]);
  });

  t.test('append effects: add, remove, roles, owner, title, notice', async (t) => {
    const a = await user(); const b = await user(); const c = await user(); const d = await user();
    const g = await group(a.id, [b.id]);
    const added = await s.conversations.append(text(g.id, a.id, { kind: 'system', effects: { addMembers: [{ userId: c.id, role: 'member' }, { userId: d.id, role: 'admin' }] } }));
    t.match(await member(g.id, c.id), { active: true, role: 'member', joined_seq: added.message.seq, read_seq: added.message.seq, pos: added.message.pos });
    t.match(await member(g.id, d.id), { role: 'admin' });
    await s.conversations.setMuted(g.id, c.id, true);
    const removed = await s.conversations.append(text(g.id, a.id, { kind: 'system', effects: { removeMembers: [c.id, d.id] } }));
    t.match(await member(g.id, c.id), { active: false, role: 'member', pos: removed.message.pos });
    t.match(await member(g.id, d.id), { active: false, role: 'member' });
    const sorted = (ids: number[]) => [...ids].sort((x, y) => x - y);
    t.same(sorted(added.recipients), sorted([a.id, b.id, c.id, d.id]), 'added members receive the message that adds them');
    t.same(sorted(removed.recipients), sorted([a.id, b.id]), 'removed members do not receive the message that removes them');
    t.equal(await code(s.conversations.append(text(g.id, c.id))), 'SB_NOT_MEMBER', 'a removed member cannot send');
    const back = await s.conversations.append(text(g.id, a.id, { kind: 'system', effects: { addMembers: [{ userId: c.id, role: 'member' }] } }));
    t.match(await member(g.id, c.id), { active: true, joined_seq: back.message.seq }, 'rejoining starts from the new seq');

    await s.conversations.append(text(g.id, a.id, { kind: 'system', effects: { setRoles: [{ userId: b.id, role: 'admin' }, { userId: d.id, role: 'admin' }] } }));
    t.equal((await member(g.id, b.id)).role, 'admin');
    t.equal((await member(g.id, d.id)).role, 'member', 'role changes skip inactive members');
    const transfer = await s.conversations.append(text(g.id, a.id, { kind: 'system', effects: { setRoles: [{ userId: a.id, role: 'admin' }], setOwner: b.id, setTitle: '新名字', setNotice: '周五放假' } }));
    const conv = (await s.conversations.get(g.id))!;
    t.match(conv, { owner_id: b.id, title: '新名字', notice: '周五放假', last_seq: transfer.message.seq, pos: transfer.message.pos });
    t.equal((await member(g.id, b.id)).role, 'owner');
    t.equal((await member(g.id, a.id)).role, 'admin');
    await s.conversations.append(text(g.id, b.id));
    t.match(await s.conversations.get(g.id), { title: '新名字', notice: '周五放假', owner_id: b.id }, 'plain messages keep title, notice, owner');
  });

  t.test('a burst of appends issued together behaves as if run one by one', async (t) => {
    const a = await user(); const b = await user(); const c = await user();
    const g = await group(a.id, [b.id]);
    const first = text(g.id, b.id);
    const recipientsOf = new Map<number, number[]>();
    const settle = (p: Promise<{ message: { seq: number; id: number }; created: boolean; recipients: number[] }>) =>
      p.then((r) => {
        if (r.created) recipientsOf.set(r.message.seq, [...r.recipients].sort((x, y) => x - y));
        return { seq: r.message.seq, id: r.message.id, created: r.created };
      }, (e: unknown) => (e instanceof AppError ? e.code : String(e)));
    const results = await Promise.all([
      settle(s.conversations.append(first)),
      settle(s.conversations.append(text(g.id, c.id))),
      settle(s.conversations.append(text(g.id, a.id, { kind: 'system', effects: { addMembers: [{ userId: c.id, role: 'member' }] } }))),
      settle(s.conversations.append(text(g.id, c.id))),
      settle(s.conversations.append({ ...first, body: '"retry"' })),
      settle(s.conversations.append(text(g.id, a.id, { kind: 'system', effects: { removeMembers: [b.id], setTitle: 'burst' } }))),
      settle(s.conversations.append(text(g.id, b.id))),
      settle(s.conversations.append(text(g.id, c.id, { requireRole: ['owner'] }))),
      settle(s.conversations.append(text(g.id, a.id, { kind: 'system', effects: { setRoles: [{ userId: c.id, role: 'admin' }] } }))),
      settle(s.conversations.append(text(g.id, c.id, { requireRole: ['admin'] }))),
    ]);
    const r = results as ({ seq: number; id: number; created: boolean } | string)[];
    t.same(r.map((x) => (typeof x === 'string' ? x : x.seq)), [2, 'SB_NOT_MEMBER', 3, 4, 2, 5, 'SB_NOT_MEMBER', 'SB_FORBIDDEN', 6, 7]);
    t.same(r[4], { ...(r[0] as object), created: false }, 'the retry in the same burst gets the first message');
    t.match(await s.conversations.get(g.id), { last_seq: 7, title: 'burst' });
    t.match(await member(g.id, c.id), { active: true, role: 'admin', joined_seq: 3, read_seq: 7 });
    t.match(await member(g.id, b.id), { active: false });
    const stored = await s.conversations.history(g.id, { afterSeq: 0, limit: 20 });
    t.same(stored.map((m) => m.seq), [1, 2, 3, 4, 5, 6, 7]);
    const idOf = new Map(stored.map((m) => [m.seq, m.id]));
    t.same(r.filter((x) => typeof x !== 'string').map((x) => [x.seq, x.id]), r.filter((x) => typeof x !== 'string').map((x) => [x.seq, idOf.get(x.seq)]),
      'every id returned is the stored id');
    const ab = [a.id, b.id].sort((x, y) => x - y);
    const abc = [a.id, b.id, c.id].sort((x, y) => x - y);
    const ac = [a.id, c.id].sort((x, y) => x - y);
    t.same(Object.fromEntries(recipientsOf), { 2: ab, 3: abc, 4: abc, 5: ac, 6: ac, 7: ac }, 'each message goes to the members as of its seq');
  });

  t.test('a burst of large messages is stored intact', async (t) => {
    const a = await user(); const b = await user();
    const g = await group(a.id, [b.id]);
    const big = (i: number) => JSON.stringify({ text: `${i}:` + '长'.repeat(100_000) + 'x'.repeat(100_000) });
    const results = await Promise.all(Array.from({ length: 24 }, (_, i) => s.conversations.append(text(g.id, i % 2 ? a.id : b.id, { body: big(i) }))));
    t.same(results.map((r) => r.message.seq).sort((x, y) => x - y), Array.from({ length: 24 }, (_, i) => i + 2));
    const stored = await s.conversations.history(g.id, { afterSeq: 1, limit: 30 });
    t.equal(stored.length, 24);
    t.ok(stored.every((m) => m.body === results.find((r) => r.message.seq === m.seq)!.message.body), 'every body byte for byte');
    t.same(new Set(stored.map((m) => m.body)).size, 24);
    t.same(stored.map((m) => m.id), results.map((r) => r.message).sort((x, y) => x.seq - y.seq).map((m) => m.id), 'ids reported match the stored rows');
  });

  t.test('markRead moves forward only; setMuted reports changes', async (t) => {
    const a = await user(); const b = await user(); const outsider = await user();
    const g = await group(a.id, [b.id]);
    for (let i = 0; i < 4; i++) await s.conversations.append(text(g.id, a.id));
    t.same(await s.conversations.markRead(g.id, b.id, 3), { readSeq: 3, changed: true });
    const pos3 = (await member(g.id, b.id)).pos;
    t.same(await s.conversations.markRead(g.id, b.id, 2), { readSeq: 3, changed: false }, 'backwards is ignored');
    t.same(await s.conversations.markRead(g.id, b.id, 3), { readSeq: 3, changed: false });
    t.equal((await member(g.id, b.id)).pos, pos3, 'no change, no new position');
    t.same(await s.conversations.markRead(g.id, b.id, 5), { readSeq: 5, changed: true });
    t.equal(await code(s.conversations.markRead(g.id, outsider.id, 1)), 'SB_NOT_MEMBER');
    const [r1, r2] = await Promise.all([s.conversations.markRead(g.id, a.id, 5), s.conversations.markRead(g.id, a.id, 5)]);
    t.equal(r1!.readSeq, 5); t.equal(r2!.readSeq, 5);

    t.same(await s.conversations.setMuted(g.id, b.id, true), { changed: true });
    t.same(await s.conversations.setMuted(g.id, b.id, true), { changed: false });
    t.equal((await member(g.id, b.id)).muted, true);
    t.equal((await member(g.id, a.id)).muted, false, 'muting is per member');
    t.same(await s.conversations.setMuted(g.id, b.id, false), { changed: true });
    t.equal(await code(s.conversations.setMuted(g.id, outsider.id, true)), 'SB_NOT_MEMBER');
  });

  t.test('history, message lookups, unread counts', async (t) => {
    const a = await user(); const b = await user();
    const g = await group(a.id, [b.id]);
    for (let i = 2; i <= 10; i++) await s.conversations.append(text(g.id, i % 3 === 0 ? b.id : a.id, { body: JSON.stringify({ text: `#${i}` }) }));
    t.same((await s.conversations.history(g.id, { afterSeq: 3, limit: 4 })).map((m) => m.seq), [4, 5, 6, 7]);
    t.same((await s.conversations.history(g.id, { beforeSeq: 6, limit: 3 })).map((m) => m.seq), [3, 4, 5], 'the newest below beforeSeq, ascending');
    t.same((await s.conversations.history(g.id, { limit: 2 })).map((m) => m.seq), [9, 10], 'neither bound: the latest');
    t.same(await s.conversations.history(g.id, { afterSeq: 10, limit: 5 }), []);
    const m5 = (await s.conversations.messageBySeq(g.id, 5))!;
    t.match(m5, { seq: 5, body: JSON.stringify({ text: '#5' }) });
    t.equal(await s.conversations.messageBySeq(g.id, 99), null);
    const other = await group(b.id, [a.id]);
    const got = await s.conversations.messagesBySeqs([{ convId: g.id, seq: 7 }, { convId: other.id, seq: 1 }, { convId: g.id, seq: 99 }, { convId: g.id, seq: 2 }]);
    t.same(got.map((m) => [m.conv_id, m.seq]), [[g.id, 7], [other.id, 1], [g.id, 2]], 'found ones, in the order asked');
    // Seqs 2..10: b sent 3, 6, 9; seq 1 is the system message.
    t.equal(await s.conversations.unreadCount(g.id, b.id, 0), 6, 'not their own, not system');
    t.equal(await s.conversations.unreadCount(g.id, a.id, 0), 3);
    t.equal(await s.conversations.unreadCount(g.id, b.id, 8), 1);
  });

  t.test('listForUser and changedSince', async (t) => {
    const a = await user(); const b = await user(); const c = await user();
    const start = (await s.conversations.changedSince(c.id, 0)).pos;
    const g1 = await group(a.id, [b.id, c.id], 'one');
    const g2 = await group(a.id, [b.id], 'two');
    t.same((await s.conversations.listForUser(c.id)).map((x) => x.conversation.id), [g1.id]);
    t.same((await s.conversations.listForUser(a.id)).map((x) => x.conversation.id).sort((x, y) => x - y), [g1.id, g2.id].sort((x, y) => x - y));

    const first = await s.conversations.changedSince(c.id, start);
    t.ok(first.pos >= g1.pos, 'the position covers what was returned');
    t.same(first.changes.map((x) => x.conversation.id), [g1.id]);
    t.match(first.changes[0]!.member, { user_id: c.id, active: true, role: 'member' });
    t.same((await s.conversations.changedSince(c.id, first.pos)).changes, [], 'nothing new');

    await s.conversations.append(text(g2.id, a.id));
    t.same((await s.conversations.changedSince(c.id, first.pos)).changes, [], 'others\' conversations are not reported');
    const msg = await s.conversations.append(text(g1.id, b.id));
    const second = await s.conversations.changedSince(c.id, first.pos);
    t.same(second.changes.map((x) => [x.conversation.id, x.conversation.last_seq]), [[g1.id, msg.message.seq]]);
    t.ok(second.pos > first.pos);

    await s.conversations.setMuted(g1.id, c.id, true);
    const third = await s.conversations.changedSince(c.id, second.pos);
    t.same(third.changes.map((x) => [x.conversation.id, x.member.muted]), [[g1.id, true]], 'own setting changes are reported');

    await s.conversations.append(text(g1.id, a.id, { kind: 'system', effects: { removeMembers: [c.id] } }));
    const fourth = await s.conversations.changedSince(c.id, third.pos);
    t.same(fourth.changes.map((x) => [x.conversation.id, x.member.active]), [[g1.id, false]], 'removal is reported once');
    await s.conversations.append(text(g1.id, a.id));
    t.same((await s.conversations.changedSince(c.id, fourth.pos)).changes, [], 'a former member hears nothing more');
    t.same(await s.conversations.listForUser(c.id), [], 'listForUser has active memberships only');
  });

  t.test('files: metadata, attach, access', async (t) => {
    const a = await user(); const b = await user(); const outsider = await user();
    const g = await group(a.id, [b.id]);
    const f = await s.files.create({ sha256: 'ab'.repeat(32), size: 1234, name: '报告.pdf', mime: 'application/pdf', uploader_id: a.id, created_at: 42 });
    t.match(f, { sha256: 'ab'.repeat(32), size: 1234, name: '报告.pdf', mime: 'application/pdf', uploader_id: a.id, created_at: 42 });
    t.same(await s.files.get(f.id), f);
    t.equal(await s.files.get(987_654_321), null);
    t.equal(await s.files.canAccess(a.id, f.id), true, 'the uploader');
    t.equal(await s.files.canAccess(b.id, f.id), false, 'not yet referenced');
    await s.files.attach(f.id, g.id);
    await s.files.attach(f.id, g.id);
    t.equal(await s.files.canAccess(b.id, f.id), true, 'a member of a referencing conversation');
    t.equal(await s.files.canAccess(outsider.id, f.id), false);
    await s.conversations.append(text(g.id, a.id, { kind: 'system', effects: { removeMembers: [b.id] } }));
    t.equal(await s.files.canAccess(b.id, f.id), false, 'removed members lose access');
    t.equal(await s.files.canAccess(a.id, 987_654_321), false);
  });

  t.test('audit log: append and page newest first', async (t) => {
    const marker = `audit-${tag()}`;
    for (let i = 0; i < 5; i++) await s.audit.append({ actor_id: i === 0 ? null : i, action: marker, target: `user:${i}`, details: { i, 名: '值' }, at: 100 + i });
    const page = (await s.audit.list({ limit: 200 })).filter((e) => e.action === marker);
    t.same(page.map((e) => e.target), ['user:4', 'user:3', 'user:2', 'user:1', 'user:0']);
    t.same(page[0]!.details, { i: 4, 名: '值' });
    t.equal(page[4]!.actor_id, null);
    const older = await s.audit.list({ limit: 2, beforeId: page[1]!.id });
    t.same(older.map((e) => e.target), ['user:2', 'user:1']);
  });

  auditChainContract(t, () => h);

  t.test('concurrent appends get gap-free seqs; concurrent retries store one message', async (t) => {
    const handles = [s, ...(h.sibling ? [await h.sibling(), await h.sibling()] : [])];
    t.teardown(async () => { for (const x of handles.slice(1)) await x.close(); });
    const senders = [await user(), await user(), await user()];
    const g = await group(senders[0]!.id, senders.slice(1).map((u) => u.id));
    const N = 150;
    const results = await Promise.all(Array.from({ length: N }, (_, i) =>
      handles[i % handles.length]!.conversations.append(text(g.id, senders[i % 3]!.id))));
    const seqs = results.map((r) => r.message.seq).sort((x, y) => x - y);
    t.same(seqs, Array.from({ length: N }, (_, i) => i + 2), `${N} appends through ${handles.length} handle(s): seqs 2..${N + 1}, no gap, no repeat`);
    const history = await s.conversations.history(g.id, { afterSeq: 0, limit: N + 10 });
    t.equal(history.length, N + 1);
    t.same(history.map((m) => m.seq), Array.from({ length: N + 1 }, (_, i) => i + 1));
    t.equal((await s.conversations.get(g.id))!.last_seq, N + 1);
    const bySeqPos = history.map((m) => m.pos);
    t.ok(bySeqPos.every((p, i) => i === 0 || p > bySeqPos[i - 1]!), 'positions grow with seq within a conversation');

    const cmid = `retry-${tag()}`;
    const retries = await Promise.all(Array.from({ length: 12 }, (_, i) =>
      handles[i % handles.length]!.conversations.append(text(g.id, senders[1]!.id, { cmid }))));
    t.equal(retries.filter((r) => r.created).length, 1, 'exactly one retry created the message');
    t.equal(new Set(retries.map((r) => r.message.id)).size, 1, 'all got the same message');
    t.equal((await s.conversations.get(g.id))!.last_seq, N + 2);
  });

  t.test('changedSince misses nothing while writers race (positions commit in order)', async (t) => {
    const handles = [s, ...(h.sibling ? [await h.sibling()] : [])];
    t.teardown(async () => { for (const x of handles.slice(1)) await x.close(); });
    const watcher = await user('Watcher');
    const writer = await user('Writer');
    const convs = [];
    for (let i = 0; i < 24; i++) convs.push(await group(writer.id, [watcher.id]));
    let since = (await s.conversations.changedSince(watcher.id, 0)).pos;
    const seen = new Map<number, number>();
    const positions: number[] = [since];
    let writing = true;
    const poll = async () => {
      const r = await handles[positions.length % handles.length]!.conversations.changedSince(watcher.id, since);
      for (const c of r.changes) seen.set(c.conversation.id, Math.max(seen.get(c.conversation.id) ?? 0, c.conversation.last_seq));
      positions.push(r.pos);
      since = r.pos;
    };
    const poller = (async () => { while (writing) { await poll(); await new Promise((r) => setImmediate(r)); } })();
    await Promise.all(convs.flatMap((c, i) => [0, 1, 2].map((k) =>
      handles[(i + k) % handles.length]!.conversations.append(text(c.id, writer.id)))));
    writing = false;
    await poller;
    await poll();
    t.ok(positions.every((p, i) => i === 0 || p >= positions[i - 1]!), 'the position never goes back');
    const missed = convs.filter((c) => seen.get(c.id) !== 4).map((c) => [c.id, seen.get(c.id)]);
    t.same(missed, [], 'every conversation was seen at its final seq by incremental polling alone');
    t.ok(positions.length > 2, `polled ${positions.length} times during the writes`);
  });

  t.test('close waits for queued writes', async (t) => {
    if (!h.sibling) { t.pass('single-handle store: covered by its own shutdown tests'); return; }
    const extra = await h.sibling();
    const a = await user(); const b = await user();
    const g = await group(a.id, [b.id]);
    const pending = Array.from({ length: 20 }, () => extra.conversations.append(text(g.id, a.id)));
    await extra.close();
    const done = await Promise.all(pending);
    t.equal(done.length, 20);
    t.equal((await s.conversations.get(g.id))!.last_seq, 21, 'every write queued before close was committed');
  });
}
