import { createHash } from 'node:crypto';
import type { AuditVerifyResult } from '../../shared/protocol/types.js';
import type { AuditChainRow, AuditStore } from '../ports.js';

/** The prev_hash of the first row. */
export const GENESIS_HASH = '0'.repeat(64);

/** The fields a row's hash covers, as stored (details is the stored JSON text). */
export type AuditHashed = Pick<AuditChainRow, 'id' | 'at' | 'actor_id' | 'action' | 'target' | 'details'>;

/**
 * hash = hex SHA-256 of prev_hash followed by the row's canonical JSON: its fields with
 * keys in alphabetical order and details as the stored text, so anyone can recompute it.
 */
export function auditRowHash(prevHash: string, row: AuditHashed): string {
  const canonical = JSON.stringify({ action: row.action, actor_id: row.actor_id, at: row.at, details: row.details, id: row.id, target: row.target });
  return createHash('sha256').update(prevHash).update(canonical).digest('hex');
}

/** Links rows (ascending by id) after `prevHash`: what each row's prev_hash and hash must be. */
export function linkRows(prevHash: string, rows: AuditHashed[]): { id: number; prev_hash: string; hash: string }[] {
  let prev = prevHash;
  return rows.map((r) => {
    const hash = auditRowHash(prev, r);
    const link = { id: r.id, prev_hash: prev, hash };
    prev = hash;
    return link;
  });
}


/**
 * Walks the chain in id order, a page at a time, up to the head recorded when the walk began
 * (rows appended meanwhile are left for the next run). The first broken link is reported.
 */
export async function verifyAuditChain(audit: AuditStore, pageSize = 1000): Promise<AuditVerifyResult> {
  const head = await audit.head();
  let prev = GENESIS_HASH;
  let lastId = 0;
  let rows = 0;
  for (;;) {
    const page = await audit.chain({ afterId: lastId, throughId: head.last_id, limit: pageSize });
    for (const row of page) {
      if (row.prev_hash !== prev) {
        const before = lastId === 0 ? 'the start of the log' : `row ${lastId}`;
        return { ok: false, rows, first_broken: { id: row.id, reason: `prev_hash does not match the hash of ${before} (a row between them was removed, or ${before} was changed)` } };
      }
      if (auditRowHash(prev, row) !== row.hash) {
        return { ok: false, rows, first_broken: { id: row.id, reason: 'the row does not match its hash (it was changed after it was written)' } };
      }
      prev = row.hash;
      lastId = row.id;
      rows++;
    }
    if (page.length < pageSize) break;
  }
  if (lastId !== head.last_id) {
    return { ok: false, rows, first_broken: { id: head.last_id, reason: `row ${head.last_id}, the last one appended, is missing (rows were removed from the end of the log)` } };
  }
  if (prev !== head.hash) {
    return { ok: false, rows, first_broken: { id: head.last_id, reason: 'the last row does not match the hash recorded when it was appended' } };
  }
  return { ok: true, rows };
}
