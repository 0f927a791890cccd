import type { MessageActionStore, MessageRecord, MessageRevision } from '../../../core/ports.js';
import type { Row } from './batcher.js';
import type { MysqlDb } from './db.js';

const toMessage = (r: Row): MessageRecord => r as MessageRecord;

/** Recall, edit and the message policy on MySQL/MariaDB (one transaction each, in the write batch). */
export function mysqlMessageActionStore(db: MysqlDb): MessageActionStore {
  const revise = (r: MessageRevision) => db.writes.run(async (tx) => {
    const before = (await tx.q('SELECT * FROM messages WHERE conv_id = ? AND seq = ? FOR UPDATE', [r.convId, r.seq]))[0] as Row | undefined;
    if (!before) return null;
    if (!r.fromKinds.includes(before.kind)) return { message: toMessage(before), changed: false, recipients: [] };
    const pos = tx.nextPos();
    const results = await tx.q(
      `UPDATE messages SET kind = ?, body = ? WHERE id = ?;
       INSERT INTO message_changes (conv_id, seq, pos) VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE pos = VALUES(pos);
       UPDATE conversations SET pos = ? WHERE id = ? AND last_seq = ?;
       SELECT * FROM messages WHERE id = ?;
       SELECT user_id FROM members WHERE conv_id = ? AND active = 1`,
      [r.kind, r.body, before.id, r.convId, r.seq, pos, pos, r.convId, r.seq, before.id, r.convId], { last: true }) as Row[][];
    return { message: toMessage(results[3]![0]!), changed: true, recipients: results[4]!.map((x) => Number(x.user_id)) };
  });

  return {
    revise,
    changedSince: async (userId, since, limit) => (await db.rows(
      `SELECT m.* FROM message_changes mc
         JOIN members mb ON mb.conv_id = mc.conv_id AND mb.user_id = ? AND mb.active = 1
         JOIN messages m ON m.conv_id = mc.conv_id AND m.seq = mc.seq
       WHERE mc.pos > ? ORDER BY mc.pos DESC LIMIT ?`, [userId, since, limit])).map(toMessage),
    policy: async () => {
      const r = (await db.one('SELECT recall_window, edit_window FROM message_policy WHERE id = 1'))!;
      return { recall_window: Number(r.recall_window), edit_window: Number(r.edit_window) };
    },
    setPolicy: (p) => db.writes.run(async (tx) => {
      await tx.q('UPDATE message_policy SET recall_window = ?, edit_window = ? WHERE id = 1', [p.recall_window, p.edit_window], { last: true });
      return { recall_window: p.recall_window, edit_window: p.edit_window };
    }),
  };
}
