import { AppError } from '../../../shared/errors.js';
import type {
  AppendInput, AppendResult, ChangedMembership, ConversationRecord, ConversationStore, MessageRecord, MemberRecord, NewConversation,
} from '../../../core/ports.js';
import type { Row, SqliteDb } from './db.js';
import { insertMentions } from './mentions.js';

const toMember = (r: Row): MemberRecord => ({ ...r, active: r.active === 1, muted: r.muted === 1 } as MemberRecord);
const toConv = (r: Row | undefined): ConversationRecord | null => (r
  ? { ...r, discussion: r.discussion === 1, mute_all: r.mute_all === 1, dissolved: r.dissolved === 1 } as ConversationRecord : null);
const CONV_COLS = 'c.id, c.kind, c.title, c.notice, c.owner_id, c.direct_key, c.last_seq, c.created_at, c.pos, c.discussion, c.mute_all, c.dissolved, c.mention_all_policy';
const MEMBER_COLS = 'm.conv_id, m.user_id, m.role, m.active, m.muted, m.joined_seq, m.read_seq, m.pos';

/** A flag an effect sets, or null to keep it (COALESCE). */
const bit = (v: boolean | undefined): number | null => (v === undefined ? null : v ? 1 : 0);

function splitJoined(r: Row): ChangedMembership {
  return {
    conversation: {
      id: r.id, kind: r.kind, title: r.title, notice: r.notice, owner_id: r.owner_id, direct_key: r.direct_key, last_seq: r.last_seq, created_at: r.created_at, pos: r.pos,
      discussion: r.discussion === 1, mute_all: r.mute_all === 1, dissolved: r.dissolved === 1, mention_all_policy: r.mention_all_policy,
    },
    member: { conv_id: r.conv_id, user_id: r.user_id, role: r.role, active: r.active === 1, muted: r.muted === 1, joined_seq: r.joined_seq, read_seq: r.read_seq, pos: r.m_pos },
  };
}

export function sqliteConversationStore(db: SqliteDb): ConversationStore {
  const getConv = (id: number) => toConv(db.stmt('SELECT * FROM conversations WHERE id = ?').get(id) as Row | undefined);
  const getMember = (convId: number, userId: number) => {
    const r = db.stmt('SELECT * FROM members WHERE conv_id = ? AND user_id = ?').get(convId, userId) as Row | undefined;
    return r ? toMember(r) : null;
  };
  const byCmid = (senderId: number, cmid: string) =>
    (db.stmt('SELECT * FROM messages WHERE sender_id = ? AND cmid = ?').get(senderId, cmid) as MessageRecord | undefined) ?? null;
  const insertMessage = (convId: number, seq: number, senderId: number, cmid: string, kind: string, body: string, at: number, pos: number): MessageRecord => {
    const r = db.stmt('INSERT INTO messages (conv_id, seq, sender_id, cmid, kind, body, created_at, pos) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(convId, seq, senderId, cmid, kind, body, at, pos);
    return { id: Number(r.lastInsertRowid), conv_id: convId, seq, sender_id: senderId, cmid, kind: kind as MessageRecord['kind'], body, created_at: at, pos };
  };
  const upsertMember = db.sqlite.prepare(`INSERT INTO members (conv_id, user_id, role, active, joined_seq, read_seq, pos) VALUES (?, ?, ?, 1, ?, ?, ?)
      ON CONFLICT (conv_id, user_id) DO UPDATE SET role = excluded.role, active = 1, joined_seq = excluded.joined_seq, read_seq = excluded.read_seq, pos = excluded.pos`);

  const create = (input: NewConversation) => db.writes.run(() => {
    if (input.directKey) {
      const existing = toConv(db.stmt('SELECT * FROM conversations WHERE direct_key = ?').get(input.directKey) as Row | undefined);
      if (existing) return { conversation: existing, message: null, created: false };
    }
    if (input.first) {
      const prior = byCmid(input.first.senderId, input.first.cmid);
      if (prior) return { conversation: getConv(prior.conv_id)!, message: prior, created: false };
    }
    const pos = db.nextPos();
    const at = input.first?.at ?? Date.now();
    const seq = input.first ? 1 : 0;
    const r = db.stmt('INSERT INTO conversations (kind, title, owner_id, direct_key, last_seq, created_at, pos, discussion) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(input.kind, input.title, input.ownerId, input.directKey, seq, at, pos, input.discussion ? 1 : 0);
    const convId = Number(r.lastInsertRowid);
    for (const m of input.members) upsertMember.run(convId, m.userId, m.role, seq, seq, pos);
    const message = input.first ? insertMessage(convId, 1, input.first.senderId, input.first.cmid, 'system', input.first.body, at, pos) : null;
    return { conversation: getConv(convId)!, message, created: true };
  });

  const append = (input: AppendInput) => db.writes.run((): AppendResult => {
    const prior = byCmid(input.senderId, input.cmid);
    if (prior) return { message: prior, created: false, recipients: [] };
    const conv = getConv(input.convId);
    const member = getMember(input.convId, input.senderId);
    if (!conv || (input.requireMember && (!member || !member.active))) throw new AppError('SB_NOT_MEMBER');
    if (input.requireRole && (!member || !input.requireRole.includes(member.role))) throw new AppError('SB_FORBIDDEN');
    // A system conversation (系统消息) only receives broadcasts, which are delivered by the broadcast store.
    if (conv.kind === 'system') throw new AppError('SB_READ_ONLY');
    if (conv.dissolved && !input.allowDissolved) throw new AppError('SB_GROUP_DISSOLVED');
    if (conv.mute_all && input.kind !== 'system' && (!member || member.role === 'member')) throw new AppError('SB_GROUP_MUTED');
    const pos = db.nextPos();
    const seq = conv.last_seq + 1;
    const message = insertMessage(conv.id, seq, input.senderId, input.cmid, input.kind, input.body, input.at, pos);
    insertMentions(db, conv.id, seq, input.senderId, input.mentions);
    const fx = input.effects;
    for (const m of fx?.addMembers ?? []) upsertMember.run(conv.id, m.userId, m.role, seq, seq, pos);
    for (const userId of fx?.removeMembers ?? []) {
      db.stmt('UPDATE members SET active = 0, role = ?, pos = ? WHERE conv_id = ? AND user_id = ?').run('member', pos, conv.id, userId);
    }
    for (const r of fx?.setRoles ?? []) {
      db.stmt('UPDATE members SET role = ?, pos = ? WHERE conv_id = ? AND user_id = ? AND active = 1').run(r.role, pos, conv.id, r.userId);
    }
    if (fx?.setOwner !== undefined) {
      // One owner: anyone else still holding the role (two members converting a discussion at once) becomes an admin.
      db.stmt("UPDATE members SET role = 'admin', pos = ? WHERE conv_id = ? AND role = 'owner' AND user_id <> ? AND active = 1").run(pos, conv.id, fx.setOwner);
      db.stmt('UPDATE members SET role = ?, pos = ? WHERE conv_id = ? AND user_id = ?').run('owner', pos, conv.id, fx.setOwner);
    }
    db.stmt(`UPDATE conversations SET last_seq = ?, pos = ?, title = COALESCE(?, title), owner_id = COALESCE(?, owner_id), notice = COALESCE(?, notice),
        discussion = COALESCE(?, discussion), mute_all = COALESCE(?, mute_all), dissolved = COALESCE(?, dissolved) WHERE id = ?`)
      .run(seq, pos, fx?.setTitle ?? null, fx?.setOwner ?? null, fx?.setNotice ?? null, bit(fx?.setDiscussion), bit(fx?.setMuteAll), bit(fx?.dissolve), conv.id);
    // Whoever writes has read everything up to their own message.
    db.stmt('UPDATE members SET read_seq = MAX(read_seq, ?), pos = ? WHERE conv_id = ? AND user_id = ? AND active = 1')
      .run(seq, pos, conv.id, input.senderId);
    const recipients = (db.stmt('SELECT user_id FROM members WHERE conv_id = ? AND active = 1').all(conv.id) as { user_id: number }[]).map((r) => r.user_id);
    return { message, created: true, recipients };
  });

  const markRead = (convId: number, userId: number, seq: number) => db.writes.run(() => {
    const m = getMember(convId, userId);
    if (!m || !m.active) throw new AppError('SB_NOT_MEMBER');
    if (seq <= m.read_seq) return { readSeq: m.read_seq, changed: false };
    const pos = db.nextPos();
    db.stmt('UPDATE members SET read_seq = ?, pos = ? WHERE conv_id = ? AND user_id = ?').run(seq, pos, convId, userId);
    db.stmt('UPDATE conversations SET pos = ? WHERE id = ?').run(pos, convId);
    return { readSeq: seq, changed: true };
  });

  const setMuted = (convId: number, userId: number, muted: boolean) => db.writes.run(() => {
    const m = getMember(convId, userId);
    if (!m || !m.active) throw new AppError('SB_NOT_MEMBER');
    if (m.muted === muted) return { changed: false };
    db.stmt('UPDATE members SET muted = ?, pos = ? WHERE conv_id = ? AND user_id = ?').run(muted ? 1 : 0, db.nextPos(), convId, userId);
    return { changed: true };
  });

  return {
    create, append, markRead, setMuted,
    get: async (id) => getConv(id),
    byDirectKey: async (key) => toConv(db.stmt('SELECT * FROM conversations WHERE direct_key = ?').get(key) as Row | undefined),
    members: async (convId) => (db.stmt('SELECT * FROM members WHERE conv_id = ? ORDER BY user_id').all(convId) as Row[]).map(toMember),
    membership: async (convId, userId) => getMember(convId, userId),
    history: async (convId, { afterSeq, beforeSeq, limit }) => {
      if (afterSeq !== undefined) {
        return db.stmt('SELECT * FROM messages WHERE conv_id = ? AND seq > ? ORDER BY seq LIMIT ?').all(convId, afterSeq, limit) as MessageRecord[];
      }
      const rows = db.stmt('SELECT * FROM messages WHERE conv_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?')
        .all(convId, beforeSeq ?? Number.MAX_SAFE_INTEGER, limit) as MessageRecord[];
      return rows.reverse();
    },
    messageBySeq: async (convId, seq) => (db.stmt('SELECT * FROM messages WHERE conv_id = ? AND seq = ?').get(convId, seq) as MessageRecord | undefined) ?? null,
    messagesBySeqs: async (pairs) => pairs
      .map((p) => db.stmt('SELECT * FROM messages WHERE conv_id = ? AND seq = ?').get(p.convId, p.seq) as MessageRecord | undefined)
      .filter((m): m is MessageRecord => m !== undefined),
    listForUser: async (userId) => (db.stmt(
      `SELECT ${CONV_COLS}, ${MEMBER_COLS.replace('m.pos', 'm.pos AS m_pos')} FROM members m JOIN conversations c ON c.id = m.conv_id WHERE m.user_id = ? AND m.active = 1`,
    ).all(userId) as Row[]).map(splitJoined),
    changedSince: async (userId, since) => {
      // Synchronous: no write can interleave, so `pos` matches what the query saw.
      const pos = db.lastPos();
      const rows = db.stmt(
        `SELECT ${CONV_COLS}, ${MEMBER_COLS.replace('m.pos', 'm.pos AS m_pos')} FROM members m JOIN conversations c ON c.id = m.conv_id
           WHERE m.user_id = ? AND (m.pos > ? OR (m.active = 1 AND c.pos > ?))`,
      ).all(userId, since, since) as Row[];
      return { pos, changes: rows.map(splitJoined) };
    },
    unreadCount: async (convId, userId, afterSeq) => (db.stmt(
      "SELECT COUNT(*) AS n FROM messages WHERE conv_id = ? AND seq > ? AND sender_id <> ? AND kind <> 'system'",
    ).get(convId, afterSeq, userId) as Row).n as number,
  };
}
