import { AppError } from '../../../shared/errors.js';
import type {
  AppendInput, AppendResult, ChangedMembership, ConversationRecord, ConversationStore, MemberRecord, MessageRecord, NewConversation,
} from '../../../core/ports.js';
import { isDuplicate, type Row, type Tx } from './batcher.js';
import type { MysqlDb } from './db.js';
import { AppendCoalescer, CONV_UPDATE, convUpdateParams } from './appends.js';
import { mentionStatement } from './mentions.js';

const toMember = (r: Row): MemberRecord => ({ ...r, active: Number(r.active) === 1, muted: Number(r.muted) === 1 } as MemberRecord);
const toConv = (r: Row | null | undefined): ConversationRecord | null => (r
  ? { ...r, discussion: Number(r.discussion) === 1, mute_all: Number(r.mute_all) === 1, dissolved: Number(r.dissolved) === 1 } as ConversationRecord : null);
const CONV_COLS = 'c.id, c.kind, c.title, c.notice, c.owner_id, c.direct_key, c.last_seq, c.created_at, c.pos, c.discussion, c.mute_all, c.dissolved, c.mention_all_policy';
const JOINED_COLS = `${CONV_COLS}, m.conv_id, m.user_id, m.role, m.active, m.muted, m.joined_seq, m.read_seq, m.pos AS m_pos`;

function splitJoined(r: Row): ChangedMembership {
  return {
    conversation: {
      id: r.id, kind: r.kind, title: r.title, notice: r.notice, owner_id: r.owner_id, direct_key: r.direct_key, last_seq: r.last_seq, created_at: r.created_at, pos: r.pos,
      discussion: Number(r.discussion) === 1, mute_all: Number(r.mute_all) === 1, dissolved: Number(r.dissolved) === 1, mention_all_policy: r.mention_all_policy,
    },
    member: { conv_id: r.conv_id, user_id: r.user_id, role: r.role, active: Number(r.active) === 1, muted: Number(r.muted) === 1, joined_seq: r.joined_seq, read_seq: r.read_seq, pos: r.m_pos },
  };
}

export function mysqlConversationStore(db: MysqlDb): ConversationStore {
  const getConv = async (id: number) => toConv(await db.one('SELECT * FROM conversations WHERE id = ?', [id]));
  const getMember = async (convId: number, userId: number) => {
    const r = await db.one('SELECT * FROM members WHERE conv_id = ? AND user_id = ?', [convId, userId]);
    return r ? toMember(r) : null;
  };
  const txConv = async (tx: Tx, id: number, lock = false) =>
    toConv((await tx.q(`SELECT * FROM conversations WHERE id = ?${lock ? ' FOR UPDATE' : ''}`, [id]))[0] as Row | undefined);
  const txMember = async (tx: Tx, convId: number, userId: number) => {
    const r = (await tx.q('SELECT * FROM members WHERE conv_id = ? AND user_id = ? FOR UPDATE', [convId, userId]))[0] as Row | undefined;
    return r ? toMember(r) : null;
  };
  const byCmid = async (tx: Tx, senderId: number, cmid: string) =>
    ((await tx.q('SELECT * FROM messages WHERE sender_id = ? AND cmid = ?', [senderId, cmid]))[0] as MessageRecord | undefined) ?? null;
  const insertMessage = async (tx: Tx, convId: number, seq: number, senderId: number, cmid: string, kind: string, body: string, at: number, pos: number): Promise<MessageRecord> => {
    const r = await tx.q('INSERT INTO messages (conv_id, seq, sender_id, cmid, kind, body, created_at, pos) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      [convId, seq, senderId, cmid, kind, body, at, pos]);
    return { id: Number(r.insertId), conv_id: convId, seq, sender_id: senderId, cmid, kind: kind as MessageRecord['kind'], body, created_at: at, pos };
  };
  const upsertMembers = async (tx: Tx, convId: number, members: { userId: number; role: string }[], seq: number, pos: number) => {
    if (members.length === 0) return;
    await tx.q(`INSERT INTO members (conv_id, user_id, role, active, joined_seq, read_seq, pos) VALUES ?
        ON DUPLICATE KEY UPDATE role = VALUES(role), active = 1, joined_seq = VALUES(joined_seq), read_seq = VALUES(read_seq), pos = VALUES(pos)`,
    [members.map((m) => [convId, m.userId, m.role, 1, seq, seq, pos])]);
  };

  const create = (input: NewConversation) => db.writes.run(async (tx) => {
    if (input.directKey) {
      const existing = toConv((await tx.q('SELECT * FROM conversations WHERE direct_key = ?', [input.directKey]))[0] as Row | undefined);
      if (existing) return { conversation: existing, message: null, created: false };
    }
    if (input.first) {
      const prior = await byCmid(tx, input.first.senderId, input.first.cmid);
      if (prior) return { conversation: (await txConv(tx, prior.conv_id))!, message: prior, created: false };
    }
    const pos = tx.nextPos();
    const at = input.first?.at ?? Date.now();
    const seq = input.first ? 1 : 0;
    const r = await tx.q('INSERT INTO conversations (kind, title, owner_id, direct_key, last_seq, created_at, pos, discussion) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      [input.kind, input.title, input.ownerId, input.directKey, seq, at, pos, input.discussion ? 1 : 0]);
    const convId = Number(r.insertId);
    await upsertMembers(tx, convId, input.members, seq, pos);
    const message = input.first ? await insertMessage(tx, convId, 1, input.first.senderId, input.first.cmid, 'system', input.first.body, at, pos) : null;
    return { conversation: (await txConv(tx, convId))!, message, created: true };
  });

  const appendOne = async (tx: Tx, input: AppendInput): Promise<AppendResult> => {
    // One round trip for the checks (the conversation row is locked), one for the writes.
    const [priorRows, convRows] = await tx.q(
      `SELECT * FROM messages WHERE sender_id = ? AND cmid = ?;
         SELECT c.*, m.role AS m_role, m.active AS m_active FROM conversations c
           LEFT JOIN members m ON m.conv_id = c.id AND m.user_id = ? WHERE c.id = ? FOR UPDATE`,
      [input.senderId, input.cmid, input.senderId, input.convId]) as [MessageRecord[], Row[]];
    if (priorRows[0]) return { message: priorRows[0], created: false, recipients: [] };
    const row = convRows[0];
    const active = row?.m_active !== null && row?.m_active !== undefined && Number(row.m_active) === 1;
    if (!row || (input.requireMember && !active)) throw new AppError('SB_NOT_MEMBER');
    if (input.requireRole && (row.m_role === null || !input.requireRole.includes(row.m_role))) throw new AppError('SB_FORBIDDEN');
    // A system conversation (系统消息) only receives broadcasts, which are delivered by the broadcast store.
    if (row.kind === 'system') throw new AppError('SB_READ_ONLY');
    if (Number(row.dissolved) === 1 && !input.allowDissolved) throw new AppError('SB_GROUP_DISSOLVED');
    if (Number(row.mute_all) === 1 && input.kind !== 'system' && (!row.m_role || row.m_role === 'member')) throw new AppError('SB_GROUP_MUTED');
    const convId = Number(row.id);
    const pos = tx.nextPos();
    const seq = Number(row.last_seq) + 1;
    const fx = input.effects;
    const sql: string[] = ['INSERT INTO messages (conv_id, seq, sender_id, cmid, kind, body, created_at, pos) VALUES (?, ?, ?, ?, ?, ?, ?, ?)'];
    const params: unknown[] = [convId, seq, input.senderId, input.cmid, input.kind, input.body, input.at, pos];
    const mention = mentionStatement(convId, seq, input.senderId, input.mentions);
    if (mention) { sql.push(mention.sql); params.push(...mention.params); }
    if (fx?.addMembers?.length) {
      sql.push(`INSERT INTO members (conv_id, user_id, role, active, joined_seq, read_seq, pos) VALUES ?
          ON DUPLICATE KEY UPDATE role = VALUES(role), active = 1, joined_seq = VALUES(joined_seq), read_seq = VALUES(read_seq), pos = VALUES(pos)`);
      params.push(fx.addMembers.map((m) => [convId, m.userId, m.role, 1, seq, seq, pos]));
    }
    if (fx?.removeMembers?.length) {
      sql.push('UPDATE members SET active = 0, role = ?, pos = ? WHERE conv_id = ? AND user_id IN (?)');
      params.push('member', pos, convId, fx.removeMembers);
    }
    for (const r of fx?.setRoles ?? []) {
      sql.push('UPDATE members SET role = ?, pos = ? WHERE conv_id = ? AND user_id = ? AND active = 1');
      params.push(r.role, pos, convId, r.userId);
    }
    if (fx?.setOwner !== undefined) {
      // One owner: anyone else still holding the role (two members converting a discussion at once) becomes an admin.
      sql.push("UPDATE members SET role = 'admin', pos = ? WHERE conv_id = ? AND role = 'owner' AND user_id <> ? AND active = 1");
      params.push(pos, convId, fx.setOwner);
      sql.push('UPDATE members SET role = ?, pos = ? WHERE conv_id = ? AND user_id = ?');
      params.push('owner', pos, convId, fx.setOwner);
    }
    sql.push(CONV_UPDATE);
    params.push(...convUpdateParams(seq, pos, fx, convId));
    // Whoever writes has read everything up to their own message.
    sql.push('UPDATE members SET read_seq = GREATEST(read_seq, ?), pos = ? WHERE conv_id = ? AND user_id = ? AND active = 1');
    params.push(seq, pos, convId, input.senderId);
    // Who receives it: read after the membership effects, under the conversation's lock.
    sql.push('SELECT user_id FROM members WHERE conv_id = ? AND active = 1');
    params.push(convId);
    let inserted: Row;
    let recipients: number[];
    try {
      const results = await tx.q(sql.join(';\n'), params, { last: true }) as Row[];
      inserted = results[0]!;
      recipients = (results[results.length - 1] as unknown as Row[]).map((r) => Number(r.user_id));
    } catch (e) {
      // Another handle stored the same (sender, cmid) first: that one is the message.
      if (!isDuplicate(e)) throw e;
      const prior = (await tx.q('SELECT * FROM messages WHERE sender_id = ? AND cmid = ?', [input.senderId, input.cmid]))[0] as MessageRecord | undefined;
      if (!prior) throw e;
      return { message: prior, created: false, recipients: [] };
    }
    const message: MessageRecord = {
      id: Number(inserted.insertId), conv_id: convId, seq, sender_id: input.senderId, cmid: input.cmid, kind: input.kind, body: input.body, created_at: input.at, pos,
    };
    return { message, created: true, recipients };
  };
  const coalescer = new AppendCoalescer(db.writes, appendOne);
  const append = (input: AppendInput) => coalescer.append(input);

  const markRead = (convId: number, userId: number, seq: number) => db.writes.run(async (tx) => {
    const m = await txMember(tx, convId, userId);
    if (!m || !m.active) throw new AppError('SB_NOT_MEMBER');
    if (seq <= m.read_seq) return { readSeq: m.read_seq, changed: false };
    const pos = tx.nextPos();
    await tx.q('UPDATE members SET read_seq = ?, pos = ? WHERE conv_id = ? AND user_id = ?; UPDATE conversations SET pos = ? WHERE id = ?',
      [seq, pos, convId, userId, pos, convId]);
    return { readSeq: seq, changed: true };
  });

  const setMuted = (convId: number, userId: number, muted: boolean) => db.writes.run(async (tx) => {
    const m = await txMember(tx, convId, userId);
    if (!m || !m.active) throw new AppError('SB_NOT_MEMBER');
    if (m.muted === muted) return { changed: false };
    await tx.q('UPDATE members SET muted = ?, pos = ? WHERE conv_id = ? AND user_id = ?', [muted ? 1 : 0, tx.nextPos(), convId, userId]);
    return { changed: true };
  });

  return {
    create, append, markRead, setMuted,
    get: getConv,
    byDirectKey: async (key) => toConv(await db.one('SELECT * FROM conversations WHERE direct_key = ?', [key])),
    members: async (convId) => (await db.rows('SELECT * FROM members WHERE conv_id = ? ORDER BY user_id', [convId])).map(toMember),
    membership: getMember,
    history: async (convId, { afterSeq, beforeSeq, limit }) => {
      if (afterSeq !== undefined) {
        return (await db.rows('SELECT * FROM messages WHERE conv_id = ? AND seq > ? ORDER BY seq LIMIT ?', [convId, afterSeq, limit])) as MessageRecord[];
      }
      const rows = await db.rows('SELECT * FROM messages WHERE conv_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?',
        [convId, beforeSeq ?? Number.MAX_SAFE_INTEGER, limit]);
      return (rows as MessageRecord[]).reverse();
    },
    messageBySeq: async (convId, seq) => (await db.one('SELECT * FROM messages WHERE conv_id = ? AND seq = ?', [convId, seq])) as MessageRecord | null,
    messagesBySeqs: async (pairs) => {
      const found = new Map<string, MessageRecord>();
      for (let i = 0; i < pairs.length; i += 200) {
        const chunk = pairs.slice(i, i + 200);
        const rows = await db.rows(`SELECT * FROM messages WHERE ${chunk.map(() => '(conv_id = ? AND seq = ?)').join(' OR ')}`,
          chunk.flatMap((p) => [p.convId, p.seq]));
        for (const r of rows as MessageRecord[]) found.set(`${r.conv_id}:${r.seq}`, r);
      }
      return pairs.map((p) => found.get(`${p.convId}:${p.seq}`)).filter((m): m is MessageRecord => m !== undefined);
    },
    listForUser: async (userId) => (await db.rows(
      `SELECT ${JOINED_COLS} FROM members m JOIN conversations c ON c.id = m.conv_id WHERE m.user_id = ? AND m.active = 1`, [userId])).map(splitJoined),
    changedSince: async (userId, since) => {
      // Position first: every change at or below it is committed (positions commit in order),
      // so the query that follows sees all of them. Later changes it also sees come again next time.
      const pos = Number((await db.one('SELECT pos FROM stream WHERE id = 1'))!.pos);
      const rows = await db.rows(
        `SELECT ${JOINED_COLS} FROM members m JOIN conversations c ON c.id = m.conv_id
           WHERE m.user_id = ? AND (m.pos > ? OR (m.active = 1 AND c.pos > ?))`, [userId, since, since]);
      return { pos, changes: rows.map(splitJoined) };
    },
    unreadCount: async (convId, userId, afterSeq) => Number((await db.one(
      "SELECT COUNT(*) AS n FROM messages WHERE conv_id = ? AND seq > ? AND sender_id <> ? AND kind <> 'system'",
      [convId, afterSeq, userId]))!.n),
  };
}
