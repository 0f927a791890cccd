import type { FileRuleRecord, FileRuleStore } from '../../../core/ports.js';
import type { MysqlWriteBatcher, Row } from './batcher.js';

const record = (r: Row): FileRuleRecord => ({
  scope: r.scope as FileRuleRecord['scope'], target_id: Number(r.target_id), max_bytes: r.max_bytes === null ? null : Number(r.max_bytes),
  allowed: r.allowed === null ? null : JSON.parse(r.allowed as string) as string[], blocked: r.blocked === null ? null : JSON.parse(r.blocked as string) as string[],
  updated_by: r.updated_by === null ? null : Number(r.updated_by), updated_at: Number(r.updated_at),
});
const json = (v: string[] | null) => (v === null ? null : JSON.stringify(v));

export function mysqlFileRuleStore(read: (sql: string, params: unknown[]) => Promise<Row[]>, writes: MysqlWriteBatcher): FileRuleStore {
  const get = async (scope: string, targetId: number) => {
    const rows = await read('SELECT * FROM file_rules WHERE scope = ? AND target_id = ?', [scope, targetId]);
    return rows[0] ? record(rows[0]) : null;
  };
  return {
    list: async () => (await read('SELECT * FROM file_rules ORDER BY scope, target_id', [])).map(record),
    get,
    put: async (rule) => {
      await writes.run(async (tx) => {
        await tx.q(`INSERT INTO file_rules (scope, target_id, max_bytes, allowed, blocked, updated_by, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
          ON DUPLICATE KEY UPDATE max_bytes = VALUES(max_bytes), allowed = VALUES(allowed), blocked = VALUES(blocked),
            updated_by = VALUES(updated_by), updated_at = VALUES(updated_at)`,
        [rule.scope, rule.target_id, rule.max_bytes, json(rule.allowed), json(rule.blocked), rule.updated_by, rule.updated_at]);
      });
      return (await get(rule.scope, rule.target_id))!;
    },
    remove: async (scope, targetId) => writes.run(async (tx) => {
      const r = await tx.q('DELETE FROM file_rules WHERE scope = ? AND target_id = ?', [scope, targetId]);
      return Number(r.affectedRows) > 0;
    }),
  };
}
