import { AppError } from '../../../shared/errors.js';
import type { AppendInput, MentionStore, ReceiptStore } from '../../../core/ports.js';
import type { Row, SqliteDb } from './db.js';

/** Inside append's transaction: the message's mention rows (everyone is user 0). */
export function insertMentions(db: SqliteDb, convId: number, seq: number, senderId: number, mentions: AppendInput['mentions']): void {
  if (!mentions) return;
  const ids = mentions.all ? [0, ...mentions.userIds] : mentions.userIds;
  const insert = db.stmt('INSERT OR IGNORE INTO mentions (conv_id, user_id, seq, sender_id) VALUES (?, ?, ?, ?)');
  for (const id of ids) insert.run(convId, id, seq, senderId);
}

export function sqliteMentionStore(db: SqliteDb): MentionStore {
  return {
    activeMembers: async (convId, userIds) => {
      if (userIds.length === 0) return [];
      const rows = db.sqlite.prepare(`SELECT user_id FROM members WHERE conv_id = ? AND active = 1 AND user_id IN (${userIds.map(() => '?').join(', ')})`)
        .all(convId, ...userIds) as Row[];
      return rows.map((r) => r.user_id as number);
    },
    unread: async (convId, userId, afterSeq, limit) => {
      // Two ranges of the primary key (the user's rows and everyone's); a message naming both counts once.
      const where = 'conv_id = ? AND user_id IN (?, 0) AND seq > ? AND sender_id <> ?';
      const count = (db.stmt(`SELECT COUNT(DISTINCT seq) AS n FROM mentions WHERE ${where}`).get(convId, userId, afterSeq, userId) as Row).n as number;
      if (count === 0) return { count, seqs: [] };
      const seqs = (db.stmt(`SELECT DISTINCT seq FROM mentions WHERE ${where} ORDER BY seq LIMIT ?`).all(convId, userId, afterSeq, userId, limit) as Row[])
        .map((r) => r.seq as number);
      return { count, seqs };
    },
    setPolicy: (convId, policy) => db.writes.run(() => {
      const c = db.stmt('SELECT mention_all_policy FROM conversations WHERE id = ?').get(convId) as Row | undefined;
      if (!c) throw new AppError('SB_NOT_MEMBER');
      if (c.mention_all_policy === policy) return { changed: false };
      db.stmt('UPDATE conversations SET mention_all_policy = ?, pos = ? WHERE id = ?').run(policy, db.nextPos(), convId);
      return { changed: true };
    }),
    activeCount: async (convId) => (db.stmt('SELECT COUNT(*) AS n FROM members WHERE conv_id = ? AND active = 1').get(convId) as Row).n as number,
  };
}

export function sqliteReceiptStore(db: SqliteDb): ReceiptStore {
  return {
    count: async (convId, seq, exceptUserId) => {
      // Both counts are ranges of the (conv_id, active, read_seq) index; the one person left out is looked up alone.
      const of = (db.stmt('SELECT COUNT(*) AS n FROM members WHERE conv_id = ? AND active = 1').get(convId) as Row).n as number;
      const read = (db.stmt('SELECT COUNT(*) AS n FROM members WHERE conv_id = ? AND active = 1 AND read_seq >= ?').get(convId, seq) as Row).n as number;
      const me = db.stmt('SELECT read_seq FROM members WHERE conv_id = ? AND user_id = ? AND active = 1').get(convId, exceptUserId) as Row | undefined;
      return { read: read - (me && me.read_seq >= seq ? 1 : 0), of: of - (me ? 1 : 0) };
    },
    page: async (convId, seq, exceptUserId, read, afterUserId, limit) => (db.stmt(
      `SELECT user_id FROM members WHERE conv_id = ? AND active = 1 AND read_seq ${read ? '>=' : '<'} ? AND user_id <> ? AND user_id > ?
         ORDER BY user_id LIMIT ?`,
    ).all(convId, seq, exceptUserId, afterUserId, limit) as Row[]).map((r) => r.user_id as number),
    sendersBetween: async (convId, afterSeq, uptoSeq, limit) => (db.stmt(
      `SELECT DISTINCT g.sender_id FROM messages g JOIN members m ON m.conv_id = g.conv_id AND m.user_id = g.sender_id AND m.active = 1
         WHERE g.conv_id = ? AND g.seq > ? AND g.seq <= ? AND g.kind <> 'system' LIMIT ?`,
    ).all(convId, afterSeq, uptoSeq, limit) as Row[]).map((r) => r.sender_id as number),
  };
}
