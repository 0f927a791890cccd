import type { MessageActionStore, MessageRecord, MessageRevision } from '../../../core/ports.js';
import type { MessagePolicy } from '../../../shared/protocol/types.js';
import type { Row, SqliteDb } from './db.js';

/** Recall, edit and the message policy on SQLite (one write-batch job each). */
export function sqliteMessageActionStore(db: SqliteDb): MessageActionStore {
  const message = (convId: number, seq: number) =>
    (db.stmt('SELECT * FROM messages WHERE conv_id = ? AND seq = ?').get(convId, seq) as MessageRecord | undefined) ?? null;

  const revise = (r: MessageRevision) => db.writes.run(() => {
    const before = message(r.convId, r.seq);
    if (!before) return null;
    if (!r.fromKinds.includes(before.kind)) return { message: before, changed: false, recipients: [] };
    const pos = db.nextPos();
    db.stmt('UPDATE messages SET kind = ?, body = ? WHERE id = ?').run(r.kind, r.body, before.id);
    db.stmt(`INSERT INTO message_changes (conv_id, seq, pos) VALUES (?, ?, ?)
        ON CONFLICT (conv_id, seq) DO UPDATE SET pos = excluded.pos`).run(r.convId, r.seq, pos);
    // The conversation's last message is part of its view: devices that sync see the change there too.
    db.stmt('UPDATE conversations SET pos = ? WHERE id = ? AND last_seq = ?').run(pos, r.convId, r.seq);
    const recipients = (db.stmt('SELECT user_id FROM members WHERE conv_id = ? AND active = 1').all(r.convId) as { user_id: number }[]).map((x) => x.user_id);
    return { message: message(r.convId, r.seq)!, changed: true, recipients };
  });

  return {
    revise,
    changedSince: async (userId, since, limit) => db.stmt(
      `SELECT m.* FROM message_changes mc
         JOIN members mb ON mb.conv_id = mc.conv_id AND mb.user_id = ? AND mb.active = 1
         JOIN messages m ON m.conv_id = mc.conv_id AND m.seq = mc.seq
       WHERE mc.pos > ? ORDER BY mc.pos DESC LIMIT ?`,
    ).all(userId, since, limit) as MessageRecord[],
    policy: async () => {
      const r = db.stmt('SELECT recall_window, edit_window FROM message_policy WHERE id = 1').get() as Row;
      return { recall_window: r.recall_window, edit_window: r.edit_window } as MessagePolicy;
    },
    setPolicy: (p) => db.writes.run(() => {
      db.stmt('UPDATE message_policy SET recall_window = ?, edit_window = ? WHERE id = 1').run(p.recall_window, p.edit_window);
      return { recall_window: p.recall_window, edit_window: p.edit_window };
    }),
  };
}
