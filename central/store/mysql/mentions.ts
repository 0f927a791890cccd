import { AppError } from '../../../shared/errors.js';
import type { AppendInput, MentionStore, ReceiptStore } from '../../../core/ports.js';
import type { Row } from './batcher.js';
import type { MysqlDb } from './db.js';

/** The statement that stores a message's mention rows in its append (everyone is user 0), or null for none. */
export function mentionStatement(convId: number, seq: number, senderId: number, mentions: AppendInput['mentions']): { sql: string; params: unknown[] } | null {
  if (!mentions) return null;
  const ids = mentions.all ? [0, ...mentions.userIds] : mentions.userIds;
  if (ids.length === 0) return null;
  return { sql: 'INSERT IGNORE INTO mentions (conv_id, user_id, seq, sender_id) VALUES ?', params: [ids.map((id) => [convId, id, seq, senderId])] };
}

export function mysqlMentionStore(db: MysqlDb): MentionStore {
  return {
    activeMembers: async (convId, userIds) => (userIds.length === 0 ? []
      : (await db.rows('SELECT user_id FROM members WHERE conv_id = ? AND active = 1 AND user_id IN (?)', [convId, userIds])).map((r) => Number(r.user_id))),
    unread: async (convId, userId, afterSeq, limit) => {
      const where = 'conv_id = ? AND user_id IN (?, 0) AND seq > ? AND sender_id <> ?';
      const params = [convId, userId, afterSeq, userId];
      const count = Number((await db.one(`SELECT COUNT(DISTINCT seq) AS n FROM mentions WHERE ${where}`, params))!.n);
      if (count === 0) return { count, seqs: [] };
      const seqs = (await db.rows(`SELECT DISTINCT seq FROM mentions WHERE ${where} ORDER BY seq LIMIT ?`, [...params, limit])).map((r) => Number(r.seq));
      return { count, seqs };
    },
    setPolicy: (convId, policy) => db.writes.run(async (tx) => {
      const c = (await tx.q('SELECT mention_all_policy FROM conversations WHERE id = ? FOR UPDATE', [convId]))[0] as Row | undefined;
      if (!c) throw new AppError('SB_NOT_MEMBER');
      if (c.mention_all_policy === policy) return { changed: false };
      await tx.q('UPDATE conversations SET mention_all_policy = ?, pos = ? WHERE id = ?', [policy, tx.nextPos(), convId]);
      return { changed: true };
    }),
    activeCount: async (convId) => Number((await db.one('SELECT COUNT(*) AS n FROM members WHERE conv_id = ? AND active = 1', [convId]))!.n),
  };
}

export function mysqlReceiptStore(db: MysqlDb): ReceiptStore {
  return {
    count: async (convId, seq, exceptUserId) => {
      // Ranges of the (conv_id, active, read_seq) index; the one person left out is looked up alone.
      const [of, read, me] = await Promise.all([
        db.one('SELECT COUNT(*) AS n FROM members WHERE conv_id = ? AND active = 1', [convId]),
        db.one('SELECT COUNT(*) AS n FROM members WHERE conv_id = ? AND active = 1 AND read_seq >= ?', [convId, seq]),
        db.one('SELECT read_seq FROM members WHERE conv_id = ? AND user_id = ? AND active = 1', [convId, exceptUserId]),
      ]);
      return { read: Number(read!.n) - (me && Number(me.read_seq) >= seq ? 1 : 0), of: Number(of!.n) - (me ? 1 : 0) };
    },
    page: async (convId, seq, exceptUserId, read, afterUserId, limit) => (await db.rows(
      `SELECT user_id FROM members WHERE conv_id = ? AND active = 1 AND read_seq ${read ? '>=' : '<'} ? AND user_id <> ? AND user_id > ?
         ORDER BY user_id LIMIT ?`, [convId, seq, exceptUserId, afterUserId, limit])).map((r) => Number(r.user_id)),
    sendersBetween: async (convId, afterSeq, uptoSeq, limit) => (await db.rows(
      `SELECT DISTINCT g.sender_id FROM messages g JOIN members m ON m.conv_id = g.conv_id AND m.user_id = g.sender_id AND m.active = 1
         WHERE g.conv_id = ? AND g.seq > ? AND g.seq <= ? AND g.kind <> 'system' LIMIT ?`,
      [convId, afterSeq, uptoSeq, limit])).map((r) => Number(r.sender_id)),
  };
}
