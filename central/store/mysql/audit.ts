import type { PoolConnection } from 'mysql2/promise';
import type { AuditEntry } from '../../../shared/protocol/types.js';
import type { AuditChainRow, AuditStore } from '../../../core/ports.js';
import { AUDIT_HASHED, auditWhere } from '../schema.js';
import { auditRowHash, GENESIS_HASH, linkRows, type AuditHashed } from '../../../core/admin/audit-chain.js';
import type { Row } from './batcher.js';
import type { MysqlDb } from './db.js';

export function mysqlAuditStore(db: MysqlDb): AuditStore {
  return {
    // The head row, locked and updated by every append, serialises appends across central processes
    // (and, on Galera, makes concurrent ones conflict at certification): the chain cannot fork.
    append: (e) => db.writes.run(async (tx) => {
      const [head, , stored] = await tx.q(
        `SELECT hash FROM audit_head WHERE id = 1 FOR UPDATE;
           INSERT INTO audit_log (actor_id, action, target, details, at) VALUES (?, ?, ?, ?, ?);
           SELECT ${AUDIT_HASHED} FROM audit_log WHERE id = LAST_INSERT_ID()`,
        [e.actor_id, e.action, e.target, JSON.stringify(e.details ?? null), e.at]) as [Row[], unknown, AuditHashed[]];
      // Hashed as stored, so verification recomputes exactly this.
      const prev = head[0]!.hash as string;
      const row = stored[0]!;
      const hash = auditRowHash(prev, row);
      await tx.q('UPDATE audit_log SET prev_hash = ?, hash = ? WHERE id = ?; UPDATE audit_head SET last_id = ?, hash = ? WHERE id = 1',
        [prev, hash, row.id, row.id, hash], { last: true });
    }),
    list: async (q) => {
      const { where, params } = auditWhere(q);
      return (await db.rows(`SELECT ${AUDIT_HASHED} FROM audit_log WHERE ${where} ORDER BY id DESC LIMIT ?`, [...params, q.limit]))
        .map((r) => ({ ...r, id: Number(r.id), actor_id: r.actor_id === null ? null : Number(r.actor_id), at: Number(r.at), details: JSON.parse(r.details as string) }) as AuditEntry);
    },
    chain: async ({ afterId, throughId, limit }) => (await db.rows(`SELECT ${AUDIT_HASHED}, prev_hash, hash FROM audit_log WHERE id > ? AND id <= ? ORDER BY id LIMIT ?`,
      [afterId, throughId, limit])) as AuditChainRow[],
    head: async () => {
      const r = (await db.one('SELECT last_id, hash FROM audit_head WHERE id = 1'))!;
      return { last_id: Number(r.last_id), hash: r.hash as string };
    },
  };
}

/** Migration 7: rows written before the chain existed are linked in id order, a page per transaction (safe to run again). */
export async function chainExistingAudit(conn: PoolConnection): Promise<void> {
  let prev = GENESIS_HASH;
  let lastId = 0;
  for (;;) {
    const [rows] = await conn.query(`SELECT ${AUDIT_HASHED} FROM audit_log WHERE id > ? ORDER BY id LIMIT 1000`, [lastId]);
    const links = linkRows(prev, rows as AuditHashed[]);
    if (!links.length) break;
    await conn.query(['START TRANSACTION', ...links.map(() => 'UPDATE audit_log SET prev_hash = ?, hash = ? WHERE id = ?'), 'COMMIT'].join(';\n'),
      links.flatMap((l) => [l.prev_hash, l.hash, l.id]));
    prev = links.at(-1)!.hash;
    lastId = links.at(-1)!.id;
  }
  await conn.query('UPDATE audit_head SET last_id = ?, hash = ? WHERE id = 1', [lastId, prev]);
}
