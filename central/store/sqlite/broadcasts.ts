import type { BroadcastBatch, BroadcastDelivery, BroadcastRecord, BroadcastStore, ConversationRecord, MessageRecord } from '../../../core/ports.js';
import type { Row, SqliteDb } from './db.js';

const COLS = 'id, sender_id, cmid, title, content AS text, file, target, total, delivered, created_at';
const toConv = (r: Row): ConversationRecord =>
  ({ ...r, discussion: r.discussion === 1, mute_all: r.mute_all === 1, dissolved: r.dissolved === 1 } as ConversationRecord);

/** The system conversation of one person: one per person, found by this key. */
export const systemKey = (userId: number): string => `system:${userId}`;
/**
 * The (sender, cmid) of a broadcast's message to one recipient: unique, so a repeated batch cannot store it twice;
 * '#' is outside the client cmid alphabet (core/validate.ts), so no message of the sender's can take it first.
 */
export const deliveryCmid = (broadcastId: number, userId: number): string => `#bc${broadcastId}.${userId}`;

export function sqliteBroadcastStore(db: SqliteDb): BroadcastStore {
  const get = (id: number) => (db.stmt(`SELECT ${COLS} FROM broadcasts WHERE id = ?`).get(id) as BroadcastRecord | undefined) ?? null;

  const deliverOne = (b: BroadcastRecord, userId: number, body: string, title: string, at: number, pos: number): BroadcastDelivery => {
    let row = db.stmt('SELECT * FROM conversations WHERE direct_key = ?').get(systemKey(userId)) as Row | undefined;
    let createdConversation = false;
    if (!row) {
      const r = db.stmt("INSERT INTO conversations (kind, title, owner_id, direct_key, last_seq, created_at, pos) VALUES ('system', ?, NULL, ?, 0, ?, ?)")
        .run(title, systemKey(userId), at, pos);
      const convId = Number(r.lastInsertRowid);
      db.stmt("INSERT INTO members (conv_id, user_id, role, active, joined_seq, read_seq, pos) VALUES (?, ?, 'member', 1, 0, 0, ?)").run(convId, userId, pos);
      row = db.stmt('SELECT * FROM conversations WHERE id = ?').get(convId) as Row;
      createdConversation = true;
    }
    const convId = row.id as number;
    const seq = (row.last_seq as number) + 1;
    const cmid = deliveryCmid(b.id, userId);
    const r = db.stmt("INSERT INTO messages (conv_id, seq, sender_id, cmid, kind, body, created_at, pos) VALUES (?, ?, ?, ?, 'broadcast', ?, ?, ?)")
      .run(convId, seq, b.sender_id, cmid, body, at, pos);
    const message: MessageRecord = { id: Number(r.lastInsertRowid), conv_id: convId, seq, sender_id: b.sender_id, cmid, kind: 'broadcast', body, created_at: at, pos };
    db.stmt('UPDATE conversations SET last_seq = ?, pos = ? WHERE id = ?').run(seq, pos, convId);
    // A sender among the recipients has read their own broadcast, as with any message they write.
    if (userId === b.sender_id) db.stmt('UPDATE members SET read_seq = ?, pos = ? WHERE conv_id = ? AND user_id = ?').run(seq, pos, convId, userId);
    db.stmt('INSERT INTO broadcast_deliveries (broadcast_id, user_id, conv_id, seq) VALUES (?, ?, ?, ?)').run(b.id, userId, convId, seq);
    return { userId, conversation: toConv({ ...row, last_seq: seq, pos }), message, createdConversation };
  };

  return {
    create: (input) => db.writes.run(() => {
      const prior = db.stmt(`SELECT ${COLS} FROM broadcasts WHERE sender_id = ? AND cmid = ?`).get(input.senderId, input.cmid) as BroadcastRecord | undefined;
      if (prior) return { broadcast: prior, created: false };
      const r = db.stmt(`INSERT INTO broadcasts (sender_id, cmid, title, content, file, target, recipients, total, delivered, created_at)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?)`)
        .run(input.senderId, input.cmid, input.title, input.text, input.file, input.target, JSON.stringify(input.recipients), input.recipients.length, input.at);
      return { broadcast: get(Number(r.lastInsertRowid))!, created: true };
    }),
    get: async (id) => get(id),
    byCmid: async (senderId, cmid) =>
      (db.stmt(`SELECT ${COLS} FROM broadcasts WHERE sender_id = ? AND cmid = ?`).get(senderId, cmid) as BroadcastRecord | undefined) ?? null,
    recipients: async (id) => {
      const r = db.stmt('SELECT recipients FROM broadcasts WHERE id = ?').get(id) as Row | undefined;
      return r ? JSON.parse(r.recipients as string) as number[] : [];
    },
    deliver: ({ id, from, userIds, body, title, fileId, at }: BroadcastBatch) => db.writes.run(() => {
      const b = get(id);
      if (!b || b.delivered !== from || userIds.length === 0) return { deliveries: [], delivered: b?.delivered ?? 0 };
      const pos = db.nextPos();
      const deliveries = userIds.map((userId) => deliverOne(b, userId, body, title, at, pos));
      if (fileId !== null) for (const d of deliveries) db.stmt('INSERT OR IGNORE INTO file_refs (file_id, conv_id) VALUES (?, ?)').run(fileId, d.conversation.id);
      db.stmt('UPDATE broadcasts SET delivered = ? WHERE id = ?').run(from + userIds.length, id);
      return { deliveries, delivered: from + userIds.length };
    }),
    list: async ({ senderId, beforeId, limit }) => db.stmt(
      `SELECT ${COLS} FROM broadcasts WHERE id < ? AND (? IS NULL OR sender_id = ?) ORDER BY id DESC LIMIT ?`,
    ).all(beforeId ?? Number.MAX_SAFE_INTEGER, senderId ?? null, senderId ?? null, limit) as BroadcastRecord[],
    readCount: async (id) => (db.stmt(
      `SELECT COUNT(*) AS n FROM broadcast_deliveries d JOIN members m ON m.conv_id = d.conv_id AND m.user_id = d.user_id
         WHERE d.broadcast_id = ? AND m.read_seq >= d.seq`,
    ).get(id) as Row).n as number,
    enabledUserIds: async (afterId, limit) => (db.stmt('SELECT id FROM users WHERE id > ? AND disabled = 0 AND admin_disabled = 0 ORDER BY id LIMIT ?')
      .all(afterId, limit) as Row[]).map((r) => r.id as number),
    unfinished: async () => (db.stmt('SELECT id FROM broadcasts WHERE delivered < total ORDER BY id').all() as Row[]).map((r) => r.id as number),
  };
}
