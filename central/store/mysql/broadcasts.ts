import type { BroadcastBatch, BroadcastDelivery, BroadcastRecord, BroadcastStore, ConversationRecord, MessageRecord } from '../../../core/ports.js';
import type { Row, Tx } from './batcher.js';
import type { MysqlDb } from './db.js';

const COLS = 'id, sender_id, cmid, title, content AS text, file, target, total, delivered, created_at';
const num = (r: Row): BroadcastRecord => ({
  ...r, id: Number(r.id), sender_id: Number(r.sender_id), total: Number(r.total), delivered: Number(r.delivered), created_at: Number(r.created_at),
} as BroadcastRecord);
const toConv = (r: Row): ConversationRecord => ({
  ...r, id: Number(r.id), last_seq: Number(r.last_seq), pos: Number(r.pos), created_at: Number(r.created_at),
  discussion: Number(r.discussion) === 1, mute_all: Number(r.mute_all) === 1, dissolved: Number(r.dissolved) === 1,
} as ConversationRecord);

/** The same keys as the SQLite store's (central/store/sqlite/broadcasts.ts). */
const systemKey = (userId: number): string => `system:${userId}`;
const deliveryCmid = (broadcastId: number, userId: number): string => `#bc${broadcastId}.${userId}`;

export function mysqlBroadcastStore(db: MysqlDb): BroadcastStore {
  const get = async (id: number) => { const r = await db.one(`SELECT ${COLS} FROM broadcasts WHERE id = ?`, [id]); return r ? num(r) : null; };

  /**
   * One batch in three round trips whatever its size: lock the broadcast and the recipients' system
   * conversations; create the missing ones (ids read back by key, as auto-increment may step); write the
   * messages, the conversations' seq, the deliveries and the cursor, and read the message ids back.
   */
  const deliverBatch = async (tx: Tx, { id, from, userIds, body, title, fileId, at }: BroadcastBatch) => {
    const keys = userIds.map(systemKey);
    const [bRows, convRows] = await tx.q(
      `SELECT id, sender_id, delivered FROM broadcasts WHERE id = ? FOR UPDATE;
       SELECT * FROM conversations WHERE direct_key IN (?) FOR UPDATE`, [id, keys]) as [Row[], Row[]];
    const b = bRows[0];
    if (!b || Number(b.delivered) !== from || userIds.length === 0) return { deliveries: [], delivered: b ? Number(b.delivered) : 0 };
    const senderId = Number(b.sender_id);
    const pos = tx.nextPos();
    const convOf = new Map<string, Row>(convRows.map((r) => [r.direct_key as string, r]));
    const missing = keys.filter((k) => !convOf.has(k));
    if (missing.length) {
      const [, created] = await tx.q(
        `INSERT INTO conversations (kind, title, owner_id, direct_key, last_seq, created_at, pos) VALUES ?;
         SELECT * FROM conversations WHERE direct_key IN (?)`,
        [missing.map((k) => ['system', title, null, k, 0, at, pos]), missing]) as [Row, Row[]];
      for (const r of created) convOf.set(r.direct_key as string, r);
    }
    const fresh = new Set(missing);
    const rows = userIds.map((userId) => {
      const conv = convOf.get(systemKey(userId))!;
      return { userId, conv, seq: Number(conv.last_seq) + 1, cmid: deliveryCmid(id, userId) };
    });
    const sql: string[] = [];
    const params: unknown[] = [];
    const newMembers = rows.filter((r) => fresh.has(systemKey(r.userId)));
    if (newMembers.length) {
      sql.push('INSERT INTO members (conv_id, user_id, role, active, joined_seq, read_seq, pos) VALUES ?');
      params.push(newMembers.map((r) => [Number(r.conv.id), r.userId, 'member', 1, 0, 0, pos]));
    }
    sql.push('INSERT INTO messages (conv_id, seq, sender_id, cmid, kind, body, created_at, pos) VALUES ?');
    params.push(rows.map((r) => [Number(r.conv.id), r.seq, senderId, r.cmid, 'broadcast', body, at, pos]));
    sql.push(`UPDATE conversations SET last_seq = CASE id ${rows.map(() => 'WHEN ? THEN ?').join(' ')} END, pos = ? WHERE id IN (?)`);
    params.push(...rows.flatMap((r) => [Number(r.conv.id), r.seq]), pos, rows.map((r) => Number(r.conv.id)));
    const self = rows.find((r) => r.userId === senderId);
    // A sender among the recipients has read their own broadcast, as with any message they write.
    if (self) { sql.push('UPDATE members SET read_seq = ?, pos = ? WHERE conv_id = ? AND user_id = ?'); params.push(self.seq, pos, Number(self.conv.id), senderId); }
    sql.push('INSERT INTO broadcast_deliveries (broadcast_id, user_id, conv_id, seq) VALUES ?');
    params.push(rows.map((r) => [id, r.userId, Number(r.conv.id), r.seq]));
    if (fileId !== null) {
      sql.push('INSERT IGNORE INTO file_refs (file_id, conv_id) VALUES ?');
      params.push(rows.map((r) => [fileId, Number(r.conv.id)]));
    }
    sql.push('UPDATE broadcasts SET delivered = ? WHERE id = ?');
    params.push(from + userIds.length, id);
    sql.push('SELECT id, cmid FROM messages WHERE sender_id = ? AND cmid IN (?)');
    params.push(senderId, rows.map((r) => r.cmid));
    const results = await tx.q(sql.join(';\n'), params, { last: true }) as Row[];
    const ids = new Map<string, number>((results[results.length - 1] as unknown as Row[]).map((r) => [r.cmid as string, Number(r.id)]));
    const deliveries: BroadcastDelivery[] = rows.map((r) => {
      const message: MessageRecord = { id: ids.get(r.cmid)!, conv_id: Number(r.conv.id), seq: r.seq, sender_id: senderId, cmid: r.cmid, kind: 'broadcast', body, created_at: at, pos };
      return { userId: r.userId, conversation: toConv({ ...r.conv, last_seq: r.seq, pos }), message, createdConversation: fresh.has(systemKey(r.userId)) };
    });
    return { deliveries, delivered: from + userIds.length };
  };

  return {
    create: (input) => db.writes.run(async (tx) => {
      const [prior] = await tx.q(`SELECT ${COLS} FROM broadcasts WHERE sender_id = ? AND cmid = ? FOR UPDATE`, [input.senderId, input.cmid]) as Row[];
      if (prior) return { broadcast: num(prior), created: false };
      const [, rows] = await tx.q(
        `INSERT INTO broadcasts (sender_id, cmid, title, content, file, target, recipients, total, delivered, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?);
         SELECT ${COLS} FROM broadcasts WHERE sender_id = ? AND cmid = ?`,
        [input.senderId, input.cmid, input.title, input.text, input.file, input.target, JSON.stringify(input.recipients), input.recipients.length, input.at,
          input.senderId, input.cmid], { last: true }) as [Row, Row[]];
      return { broadcast: num(rows[0]!), created: true };
    }),
    get,
    byCmid: async (senderId, cmid) => { const r = await db.one(`SELECT ${COLS} FROM broadcasts WHERE sender_id = ? AND cmid = ?`, [senderId, cmid]); return r ? num(r) : null; },
    recipients: async (id) => {
      const r = await db.one('SELECT recipients FROM broadcasts WHERE id = ?', [id]);
      return r ? JSON.parse(r.recipients as string) as number[] : [];
    },
    deliver: (batch) => db.writes.run((tx) => deliverBatch(tx, batch)),
    list: async ({ senderId, beforeId, limit }) => (await db.rows(
      `SELECT ${COLS} FROM broadcasts WHERE id < ? AND (? IS NULL OR sender_id = ?) ORDER BY id DESC LIMIT ?`,
      [beforeId ?? Number.MAX_SAFE_INTEGER, senderId ?? null, senderId ?? null, limit],
    )).map(num),
    readCount: async (id) => Number((await db.one(
      `SELECT COUNT(*) AS n FROM broadcast_deliveries d JOIN members m ON m.conv_id = d.conv_id AND m.user_id = d.user_id
         WHERE d.broadcast_id = ? AND m.read_seq >= d.seq`, [id]))!.n),
    enabledUserIds: async (afterId, limit) => (await db.rows('SELECT id FROM users WHERE id > ? AND disabled = 0 AND admin_disabled = 0 ORDER BY id LIMIT ?', [afterId, limit]))
      .map((r) => Number(r.id)),
    unfinished: async () => (await db.rows('SELECT id FROM broadcasts WHERE delivered < total ORDER BY id')).map((r) => Number(r.id)),
  };
}
