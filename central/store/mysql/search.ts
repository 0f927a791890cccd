import type { Pool } from 'mysql2/promise';
import type { MessageRecord } from '../../../core/ports.js';
import { newestFirst, type SearchDoc, type SearchHitRef, type SearchIndex, type SearchQuery } from '../../../core/search/ports.js';
import { isRetryable, type Row } from './batcher.js';
import type { MysqlDb } from './db.js';

/**
 * A term's 53-bit hash (two FNV-1a passes): postings are fixed-width integers rather than strings. A collision
 * can only add a hit, and the search service checks every hit against the message's own text.
 */
export function termHash(term: string): number {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < term.length; i += 1) {
    const c = term.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x01000193) ^ (b >>> 15);
  }
  return (a >>> 0) * 2 ** 21 + ((b >>> 0) & 0x1fffff);
}

const DOC = '((? << 32) | ?)';
/** Per statement: postings rows a put sends at most (about 16 bytes of parameters each). */
const ROWS_PER_INSERT = 4000;
/** How far the frequency probe counts a term's postings; the rarest term drives the query. */
const PROBE_CAP = 20_000;

/**
 * The search index in MySQL/MariaDB: an inverted-index table search_postings (term hash, doc) whose primary
 * key is the index, and search_docs for the filters. InnoDB FULLTEXT would need innodb_ft_min_token_size
 * lowered to 1 and its stopword list cleared (server settings, restart), and cannot seek to one
 * conversation's range; here each conversation is one key range per term (doc = conv_id << 32 | seq).
 * Writes run in their own transactions on the pool, not under the stream row lock: the index orders nothing.
 */
export function mysqlSearchIndex(db: MysqlDb): SearchIndex {
  const pool: Pool = db.pool;

  const inTransaction = async (fn: (q: (sql: string, params: unknown[]) => Promise<unknown>) => Promise<void>): Promise<void> => {
    for (let attempt = 1; ; attempt += 1) {
      const conn = await pool.getConnection();
      try {
        await conn.query('START TRANSACTION');
        await fn(async (sql, params) => (await conn.query(sql, params))[0]);
        await conn.query('COMMIT');
        return;
      } catch (e) {
        await conn.query('ROLLBACK').catch(() => {}); // the error below is what matters; a dead connection rolls back anyway
        if (!isRetryable(e) || attempt >= 5) throw e;
      } finally {
        conn.release();
      }
    }
  };

  const removeIn = async (q: (sql: string, params: unknown[]) => Promise<unknown>, pairs: { convId: number; seq: number }[]): Promise<void> => {
    for (let i = 0; i < pairs.length; i += 500) {
      const chunk = pairs.slice(i, i + 500);
      const olds = await q(`SELECT doc, terms FROM search_docs WHERE doc IN (${chunk.map(() => DOC).join(', ')}) FOR UPDATE`,
        chunk.flatMap((p) => [p.convId, p.seq])) as Row[];
      const rows = olds.flatMap((r) => (r.terms as string).split(' ').filter(Boolean).map((t) => [Number(t), r.doc]));
      for (let j = 0; j < rows.length; j += ROWS_PER_INSERT) {
        const part = rows.slice(j, j + ROWS_PER_INSERT);
        await q(`DELETE FROM search_postings WHERE (token, doc) IN (${part.map(() => '(?, ?)').join(', ')})`, part.flat());
      }
      if (olds.length) await q(`DELETE FROM search_docs WHERE doc IN (${olds.map(() => '?').join(', ')})`, olds.map((r) => r.doc));
    }
  };

  const put = (docs: SearchDoc[]) => inTransaction(async (q) => {
    if (docs.length === 0) return;
    // Replacing: the old postings go first (an edited message loses the terms it no longer has).
    await removeIn(q, docs);
    const hashed = docs.map((d) => ({ d, hashes: [...new Set(d.terms.map(termHash))] }));
    for (let i = 0; i < hashed.length; i += 1000) {
      const chunk = hashed.slice(i, i + 1000);
      await q(`INSERT INTO search_docs (doc, sender_id, created_at, terms) VALUES ${chunk.map(() => `(${DOC}, ?, ?, ?)`).join(', ')}
        ON DUPLICATE KEY UPDATE sender_id = VALUES(sender_id), created_at = VALUES(created_at), terms = VALUES(terms)`,
      chunk.flatMap(({ d, hashes }) => [d.convId, d.seq, d.senderId, d.createdAt, hashes.join(' ')]));
    }
    const rows = hashed.flatMap(({ d, hashes }) => hashes.map((h) => [h, d.convId, d.seq]));
    for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
      const part = rows.slice(i, i + ROWS_PER_INSERT);
      await q(`INSERT IGNORE INTO search_postings (token, doc) VALUES ${part.map(() => `(?, ${DOC})`).join(', ')}`, part.flat());
    }
  });

  /** Terms ordered rarest first, by a count that stops at PROBE_CAP. */
  const byRarity = async (hashes: number[]): Promise<number[]> => {
    if (hashes.length === 1) return hashes;
    const sql = hashes.map(() => `SELECT ? AS token, (SELECT COUNT(*) FROM (SELECT 1 FROM search_postings WHERE token = ? LIMIT ${PROBE_CAP}) x) AS n`).join(' UNION ALL ');
    const rows = await db.rows(sql, hashes.flatMap((h) => [h, h]));
    return rows.sort((a, b) => Number(a.n) - Number(b.n)).map((r) => Number(r.token));
  };

  const query = async (q: SearchQuery): Promise<SearchHitRef[]> => {
    if (q.terms.length === 0 || q.convIds.length === 0) return [];
    const [drive, ...others] = await byRarity([...new Set(q.terms.map(termHash))]);
    const parts: string[] = [];
    const params: unknown[] = [];
    for (const convId of q.convIds) {
      const joins = others.map((_, i) => `JOIN search_postings p${i + 1} ON p${i + 1}.token = ? AND p${i + 1}.doc = p0.doc`).join(' ');
      const where = ['p0.token = ?', 'p0.doc BETWEEN (? << 32) AND ((? << 32) | 4294967295)'];
      params.push(...others, drive, convId, convId);
      if (q.senderId !== undefined) { where.push('d.sender_id = ?'); params.push(q.senderId); }
      if (q.from !== undefined) { where.push('d.created_at >= ?'); params.push(q.from); }
      if (q.to !== undefined) { where.push('d.created_at <= ?'); params.push(q.to); }
      if (q.before) {
        where.push(`(d.created_at < ? OR (d.created_at = ? AND p0.doc < ${DOC}))`);
        params.push(q.before.createdAt, q.before.createdAt, q.before.convId, q.before.seq);
      }
      params.push(q.limit);
      parts.push(`(SELECT p0.doc >> 32 AS conv_id, p0.doc & 4294967295 AS seq, d.sender_id, d.created_at FROM search_postings p0 ${joins}
        JOIN search_docs d ON d.doc = p0.doc WHERE ${where.join(' AND ')} ORDER BY p0.doc DESC LIMIT ?)`);
    }
    const rows: Row[] = [];
    // A statement per 100 conversations keeps each one of bounded size (every part takes as many parameters).
    const per = params.length / parts.length;
    for (let i = 0; i < parts.length; i += 100) {
      const slice = parts.slice(i, i + 100);
      const sql = `SELECT * FROM (${slice.join(' UNION ALL ')}) h ORDER BY created_at DESC, conv_id DESC, seq DESC LIMIT ${Number(q.limit)}`;
      rows.push(...await db.rows(sql, params.slice(i * per, (i + slice.length) * per)));
    }
    return rows.map((r) => ({ convId: Number(r.conv_id), seq: Number(r.seq), senderId: Number(r.sender_id), createdAt: Number(r.created_at) }))
      .sort(newestFirst).slice(0, q.limit);
  };

  return {
    put,
    remove: (convId, seq) => inTransaction((q) => removeIn(q, [{ convId, seq }])),
    query,
    unindexed: async (afterId, limit) => {
      const ids = await db.rows('SELECT id FROM messages WHERE id > ? ORDER BY id LIMIT ?', [afterId, limit]);
      if (ids.length === 0) return { messages: [], lastId: afterId };
      const lastId = Number(ids[ids.length - 1]!.id);
      const messages = await db.rows(`SELECT m.* FROM messages m WHERE m.id > ? AND m.id <= ? AND m.kind = 'text'
        AND NOT EXISTS (SELECT 1 FROM search_docs d WHERE d.doc = (m.conv_id << 32) | m.seq) ORDER BY m.id`, [afterId, lastId]);
      return { messages: messages as MessageRecord[], lastId };
    },
    backfillCursor: async () => Number((await db.one('SELECT backfilled_id FROM search_state WHERE id = 1'))!.backfilled_id),
    setBackfillCursor: async (id) => { await pool.query('UPDATE search_state SET backfilled_id = ? WHERE id = 1', [id]); },
    sizeBytes: async () => {
      const r = await db.one(`SELECT SUM(data_length + index_length) AS n FROM information_schema.tables
        WHERE table_schema = DATABASE() AND table_name IN ('search_docs', 'search_postings')`);
      return Number(r?.n ?? 0);
    },
  };
}
