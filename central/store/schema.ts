/**
 * The schema, defined once and rendered for SQLite and MySQL/MariaDB.
 * Migrations are numbered; each store applies the ones it has not recorded.
 */
export type ColumnType = 'id' | 'int' | 'bigint' | 'bool' | 'text' | 'string' | 'json';

export interface Column {
  name: string;
  type: ColumnType;
  /** For 'string': the maximum length (VARCHAR in MySQL). */
  length?: number;
  nullable?: boolean;
  default?: string | number;
}

export interface Table {
  name: string;
  columns: Column[];
  /** Defaults to the 'id' column. */
  primaryKey?: string[];
  unique?: string[][];
  indexes?: string[][];
  /** Created in this dialect only (a table one backend's search index needs). */
  only?: Dialect;
}

export interface Migration {
  version: number;
  description: string;
  tables: Table[];
  /** Columns added to existing tables. */
  addColumns?: { table: string; column: Column }[];
  /** Indexes added to existing tables. */
  addIndexes?: { table: string; columns: string[] }[];
  /** Rows the migration inserts: plain INSERT statements valid in both dialects, run after the DDL. */
  seed?: string[];
  /** Work SQL alone cannot do, run by each store after the seed in the same migration. */
  backfill?: 'audit-chain';
  /** Statements only one dialect has (SQLite's FTS5 virtual table), run after the tables. */
  raw?: Partial<Record<Dialect, string[]>>;
}

/** The migrations themselves, one file of their own (migrations.ts). */
export { MIGRATIONS } from './migrations.js';

export type Dialect = 'sqlite' | 'mysql';

/** The audit columns a row's hash covers (core/admin/audit-chain.ts). */
export const AUDIT_HASHED = 'id, actor_id, action, target, details, at';

/** The WHERE clause of an audit query, the same in both dialects (placeholders only, no values in the text). */
export function auditWhere(q: { beforeId?: number; actorId?: number; action?: string; target?: string; since?: number; until?: number }): { where: string; params: unknown[] } {
  const parts = ['id < ?'];
  const params: unknown[] = [q.beforeId ?? Number.MAX_SAFE_INTEGER];
  const add = (sql: string, v: unknown) => { if (v !== undefined) { parts.push(sql); params.push(v); } };
  add('actor_id = ?', q.actorId);
  add('action = ?', q.action);
  add('target = ?', q.target);
  add('at >= ?', q.since);
  add('at <= ?', q.until);
  return { where: parts.join(' AND '), params };
}

function columnSql(col: Column, dialect: Dialect): string {
  const nul = col.nullable ? 'NULL' : 'NOT NULL';
  const def = col.default !== undefined ? ` DEFAULT ${typeof col.default === 'string' ? `'${col.default}'` : col.default}` : '';
  if (dialect === 'sqlite') {
    if (col.type === 'id') return `${col.name} INTEGER PRIMARY KEY AUTOINCREMENT`;
    const t = { int: 'INTEGER', bigint: 'INTEGER', bool: 'INTEGER', text: 'TEXT', string: 'TEXT', json: 'TEXT' }[col.type];
    return `${col.name} ${t} ${nul}${def}`;
  }
  if (col.type === 'id') return `${col.name} BIGINT NOT NULL AUTO_INCREMENT`;
  const t = {
    int: 'INT', bigint: 'BIGINT', bool: 'TINYINT(1)', text: 'MEDIUMTEXT',
    string: `VARCHAR(${col.length ?? 255})`, json: 'MEDIUMTEXT',
  }[col.type];
  return `${col.name} ${t} ${nul}${def}`;
}

/** CREATE statements for one table in one dialect. */
export function tableSql(t: Table, dialect: Dialect): string[] {
  const cols = t.columns.map((col) => columnSql(col, dialect));
  const hasId = t.columns.some((col) => col.type === 'id');
  if (dialect === 'mysql' && hasId) cols.push('PRIMARY KEY (id)');
  if (t.primaryKey) cols.push(`PRIMARY KEY (${t.primaryKey.join(', ')})`);
  for (const u of t.unique ?? []) cols.push(`CONSTRAINT ${t.name}_${u.join('_')}_key UNIQUE (${u.join(', ')})`);
  const tail = dialect === 'mysql' ? ' ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin' : '';
  const out = [`CREATE TABLE IF NOT EXISTS ${t.name} (\n  ${cols.join(',\n  ')}\n)${tail}`];
  for (const idx of t.indexes ?? []) {
    const name = `${t.name}_${idx.join('_')}_idx`;
    out.push(dialect === 'mysql'
      ? `CREATE INDEX ${name} ON ${t.name} (${idx.join(', ')})`
      : `CREATE INDEX IF NOT EXISTS ${name} ON ${t.name} (${idx.join(', ')})`);
  }
  return out;
}

/** Every statement of one migration, in order, for one dialect. */
export function migrationSql(m: Migration, dialect: Dialect): string[] {
  const out = m.tables.filter((t) => !t.only || t.only === dialect).flatMap((t) => tableSql(t, dialect));
  out.push(...(m.raw?.[dialect] ?? []));
  for (const { table, column } of m.addColumns ?? []) out.push(`ALTER TABLE ${table} ADD COLUMN ${columnSql(column, dialect)}`);
  for (const { table, columns } of m.addIndexes ?? []) {
    const name = `${table}_${columns.join('_')}_idx`;
    out.push(`CREATE INDEX ${dialect === 'sqlite' ? 'IF NOT EXISTS ' : ''}${name} ON ${table} (${columns.join(', ')})`);
  }
  if (m.version === 1) out.push(dialect === 'mysql' ? 'INSERT IGNORE INTO stream (id, pos) VALUES (1, 0)' : 'INSERT OR IGNORE INTO stream (id, pos) VALUES (1, 0)');
  out.push(...(m.seed ?? []));
  return out;
}
