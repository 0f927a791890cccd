import type Database from 'better-sqlite3';
import type { FileRuleRecord, FileRuleStore } from '../../../core/ports.js';
import type { WriteBatcher } from './batcher.js';

interface RuleRow { scope: FileRuleRecord['scope']; target_id: number; max_bytes: number | null; allowed: string | null; blocked: string | null; updated_by: number | null; updated_at: number }

const record = (r: RuleRow): FileRuleRecord => ({
  ...r, allowed: r.allowed === null ? null : JSON.parse(r.allowed) as string[], blocked: r.blocked === null ? null : JSON.parse(r.blocked) as string[],
});
const json = (v: string[] | null) => (v === null ? null : JSON.stringify(v));

export function sqliteFileRuleStore(db: Database.Database, writes: WriteBatcher): FileRuleStore {
  const one = db.prepare('SELECT * FROM file_rules WHERE scope = ? AND target_id = ?');
  return {
    list: async () => (db.prepare('SELECT * FROM file_rules ORDER BY scope, target_id').all() as RuleRow[]).map(record),
    get: async (scope, targetId) => { const r = one.get(scope, targetId) as RuleRow | undefined; return r ? record(r) : null; },
    put: (rule) => writes.run(() => {
      db.prepare(`INSERT INTO file_rules (scope, target_id, max_bytes, allowed, blocked, updated_by, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (scope, target_id) DO UPDATE SET max_bytes = excluded.max_bytes, allowed = excluded.allowed, blocked = excluded.blocked,
          updated_by = excluded.updated_by, updated_at = excluded.updated_at`)
        .run(rule.scope, rule.target_id, rule.max_bytes, json(rule.allowed), json(rule.blocked), rule.updated_by, rule.updated_at);
      return record(one.get(rule.scope, rule.target_id) as RuleRow);
    }),
    remove: (scope, targetId) => writes.run(() => db.prepare('DELETE FROM file_rules WHERE scope = ? AND target_id = ?').run(scope, targetId).changes > 0),
  };
}
