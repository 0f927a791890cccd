import type { Pool } from 'mysql2/promise';
import type { MysqlWriteBatcher, Row } from './batcher.js';

/** What the MySQL sub-stores share: the pool, reads that survive a dropped connection, and the write batcher. */
export interface MysqlDb {
  pool: Pool;
  writes: MysqlWriteBatcher;
  rows(sql: string, params?: unknown[]): Promise<Row[]>;
  one(sql: string, params?: unknown[]): Promise<Row | null>;
}

export function mysqlDb(pool: Pool, writes: MysqlWriteBatcher): MysqlDb {
  /** Reads: a connection the server dropped (restart, idle timeout) fails once and is replaced. */
  const rows = async (sql: string, params: unknown[] = []): Promise<Row[]> => {
    try {
      const [rows] = await pool.query(sql, params);
      return rows as Row[];
    } catch (e) {
      if ((e as { fatal?: boolean }).fatal !== true) throw e;
      const [rows] = await pool.query(sql, params);
      return rows as Row[];
    }
  };
  const one = async (sql: string, params: unknown[] = []): Promise<Row | null> => (await rows(sql, params))[0] ?? null;
  return { pool, writes, rows, one };
}
