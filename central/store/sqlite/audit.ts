import type Database from 'better-sqlite3';
import type { AuditEntry } from '../../../shared/protocol/types.js';
import type { AuditChainRow, AuditStore } from '../../../core/ports.js';
import { AUDIT_HASHED, auditWhere } from '../schema.js';
import { auditRowHash, GENESIS_HASH, linkRows, type AuditHashed } from '../../../core/admin/audit-chain.js';
import type { Row, SqliteDb } from './db.js';

export function sqliteAuditStore(db: SqliteDb): AuditStore {
  return {
    // The single writer serialises appends: the head read here is the last row's.
    append: (e) => db.writes.run(() => {
      const head = db.stmt('SELECT hash FROM audit_head WHERE id = 1').get() as { hash: string };
      const r = db.stmt('INSERT INTO audit_log (actor_id, action, target, details, at, prev_hash) VALUES (?, ?, ?, ?, ?, ?)')
        .run(e.actor_id, e.action, e.target, JSON.stringify(e.details ?? null), e.at, head.hash);
      // Hashed as stored, so verification recomputes exactly this.
      const row = db.stmt(`SELECT ${AUDIT_HASHED} FROM audit_log WHERE id = ?`).get(r.lastInsertRowid) as AuditHashed;
      const hash = auditRowHash(head.hash, row);
      db.stmt('UPDATE audit_log SET hash = ? WHERE id = ?').run(hash, row.id);
      db.stmt('UPDATE audit_head SET last_id = ?, hash = ? WHERE id = 1').run(row.id, hash);
    }),
    list: async (q) => {
      const { where, params } = auditWhere(q);
      return (db.stmt(`SELECT ${AUDIT_HASHED} FROM audit_log WHERE ${where} ORDER BY id DESC LIMIT ?`)
        .all(...params, q.limit) as Row[]).map((r) => ({ ...r, details: JSON.parse(r.details as string) }) as AuditEntry);
    },
    chain: async ({ afterId, throughId, limit }) => db.stmt(`SELECT ${AUDIT_HASHED}, prev_hash, hash FROM audit_log WHERE id > ? AND id <= ? ORDER BY id LIMIT ?`)
      .all(afterId, throughId, limit) as AuditChainRow[],
    head: async () => db.stmt('SELECT last_id, hash FROM audit_head WHERE id = 1').get() as { last_id: number; hash: string },
  };
}

/** Migration 7: rows written before the chain existed are linked in id order, a page at a time. */
export function chainExistingAudit(db: Database.Database): void {
  let prev = GENESIS_HASH;
  let lastId = 0;
  const page = db.prepare(`SELECT ${AUDIT_HASHED} FROM audit_log WHERE id > ? ORDER BY id LIMIT 1000`);
  const set = db.prepare('UPDATE audit_log SET prev_hash = ?, hash = ? WHERE id = ?');
  for (let rows = page.all(0) as AuditHashed[]; rows.length; rows = page.all(lastId) as AuditHashed[]) {
    for (const link of linkRows(prev, rows)) {
      set.run(link.prev_hash, link.hash, link.id);
      prev = link.hash;
      lastId = link.id;
    }
  }
  db.prepare('UPDATE audit_head SET last_id = ?, hash = ? WHERE id = 1').run(lastId, prev);
}
