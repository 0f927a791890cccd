import type Database from 'better-sqlite3';
import type { WriteBatcher } from './batcher.js';

export type Row = Record<string, any>;

/** What the SQLite sub-stores share: the database, cached statements, the write batcher and the stream position. */
export interface SqliteDb {
  sqlite: Database.Database;
  writes: WriteBatcher;
  stmt(sql: string): Database.Statement;
  /** Called inside a write: the next stream position, persisted with the batch. */
  nextPos(): number;
  /** Last stream position handed out. */
  lastPos(): number;
}

export function sqliteDb(sqlite: Database.Database, writes: WriteBatcher): SqliteDb {
  /** Last stream position handed out; positions only need to grow, gaps are harmless. */
  let pos = (sqlite.prepare('SELECT pos FROM stream WHERE id = 1').get() as Row).pos as number;
  const cache = new Map<string, Database.Statement>();
  const stmt = (sql: string): Database.Statement => {
    let s = cache.get(sql);
    if (!s) { s = sqlite.prepare(sql); cache.set(sql, s); }
    return s;
  };
  const nextPos = (): number => {
    pos += 1;
    stmt('UPDATE stream SET pos = ? WHERE id = 1').run(pos);
    return pos;
  };
  return { sqlite, writes, stmt, nextPos, lastPos: () => pos };
}
