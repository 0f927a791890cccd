import type { Pool, PoolConnection, RowDataPacket } from 'mysql2/promise';
import { AppError } from '../../../shared/errors.js';
import type { DirPerson } from '../../../shared/protocol/directory.js';
import type { DirectoryData, DirectoryStore, DirStoredChange } from '../../../core/ports.js';
import { orderChanges, peopleFromRows, policyFromRow } from '../sqlite/directory.js';

type Row = RowDataPacket & Record<string, any>;
const CHUNK = 2000;

function chunks<T>(list: T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

const PERSON_COLS = 'id, user_id, account, name, english_name, gender, mobile, phone, email, title, employee_no, avatar, status';

/**
 * The directory store on MySQL/MariaDB. A commit locks the one dir_state row
 * (directory writes are serialised; they are rare next to reads) and writes
 * in multi-row statements, so a 100,000-person import is a few hundred round trips.
 */
export function mysqlDirectoryStore(pool: Pool): DirectoryStore {
  const q = async <T = Row[]>(conn: Pool | PoolConnection, sql: string, params: unknown[] = []) => (await conn.query(sql, params))[0] as T;

  async function writePeople(conn: PoolConnection, people: DirPerson[], at: number): Promise<void> {
    for (const part of chunks(people)) {
      await q(conn, `INSERT INTO users (account, name, password_hash, is_admin, disabled, created_at, updated_at) VALUES ${part.map(() => "(?, ?, '', 0, ?, ?, ?)").join(', ')}
        ON DUPLICATE KEY UPDATE updated_at = IF(name = VALUES(name) AND disabled = VALUES(disabled), updated_at, VALUES(updated_at)), name = VALUES(name), disabled = VALUES(disabled)`,
      part.flatMap((p) => [p.account, p.name, p.status === 'active' ? 0 : 1, at, at]));
      const ids = await q(conn, `SELECT id, account FROM users WHERE account IN (${part.map(() => '?').join(', ')})`, part.map((p) => p.account));
      const byAccount = new Map(ids.map((r) => [r.account as string, Number(r.id)]));
      for (const p of part) p.user_id = byAccount.get(p.account)!;
      await q(conn, `INSERT INTO dir_people (${PERSON_COLS}) VALUES ${part.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}
        ON DUPLICATE KEY UPDATE user_id = VALUES(user_id), account = VALUES(account), name = VALUES(name), english_name = VALUES(english_name), gender = VALUES(gender),
          mobile = VALUES(mobile), phone = VALUES(phone), email = VALUES(email), title = VALUES(title), employee_no = VALUES(employee_no), avatar = VALUES(avatar), status = VALUES(status)`,
      part.flatMap((p) => [p.id, p.user_id, p.account, p.name, p.english_name, p.gender, p.mobile, p.phone, p.email, p.title, p.employee_no, p.avatar, p.status]));
      await q(conn, `DELETE FROM dir_members WHERE person_id IN (${part.map(() => '?').join(', ')})`, part.map((p) => p.id));
      const members = part.flatMap((p) => p.depts.map((m) => [p.id, m.dept_id, m.title, m.sort]));
      for (const mpart of chunks(members, 4000)) {
        await q(conn, `INSERT INTO dir_members (person_id, dept_id, title, sort) VALUES ${mpart.map(() => '(?, ?, ?, ?)').join(', ')}`, mpart.flat());
      }
    }
  }

  async function apply(conn: PoolConnection, changes: DirStoredChange[], at: number): Promise<void> {
    const del = (op: string) => changes.filter((c) => c.op === op).map((c) => (c as { id: number }).id);
    for (const part of chunks(del('person.delete'))) {
      await q(conn, `DELETE FROM dir_members WHERE person_id IN (${part.map(() => '?').join(', ')})`, part);
      await q(conn, `DELETE FROM dir_people WHERE id IN (${part.map(() => '?').join(', ')})`, part);
    }
    for (const part of chunks(del('dept.delete'))) await q(conn, `DELETE FROM dir_depts WHERE id IN (${part.map(() => '?').join(', ')})`, part);
    for (const part of chunks(del('org.delete'))) await q(conn, `DELETE FROM dir_orgs WHERE id IN (${part.map(() => '?').join(', ')})`, part);
    for (const part of chunks(del('policy.delete'))) await q(conn, `DELETE FROM dir_policies WHERE id IN (${part.map(() => '?').join(', ')})`, part);
    for (const c of changes) {
      if (c.op === 'org') await q(conn, 'INSERT INTO dir_orgs (id, name, sort) VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE name = VALUES(name), sort = VALUES(sort)', [c.org.id, c.org.name, c.org.sort]);
      else if (c.op === 'policy') {
        await q(conn, 'INSERT INTO dir_policies (id, target, target_id, fields) VALUES (?, ?, ?, ?) ON DUPLICATE KEY UPDATE target = VALUES(target), target_id = VALUES(target_id), fields = VALUES(fields)',
          [c.policy.id, c.policy.target, c.policy.target_id, JSON.stringify(c.policy.fields)]);
      } else if (c.op === 'scope') {
        if (c.dept_ids.length === 0) await q(conn, 'DELETE FROM dir_scopes WHERE user_id = ?', [c.user_id]);
        else await q(conn, 'INSERT INTO dir_scopes (user_id, dept_ids) VALUES (?, ?) ON DUPLICATE KEY UPDATE dept_ids = VALUES(dept_ids)', [c.user_id, JSON.stringify(c.dept_ids)]);
      }
    }
    const depts = changes.flatMap((c) => (c.op === 'dept' ? [c.dept] : []));
    for (const part of chunks(depts)) {
      await q(conn, `INSERT INTO dir_depts (id, org_id, parent_id, name, sort, ext_id) VALUES ${part.map(() => '(?, ?, ?, ?, ?, ?)').join(', ')}
        ON DUPLICATE KEY UPDATE org_id = VALUES(org_id), parent_id = VALUES(parent_id), name = VALUES(name), sort = VALUES(sort), ext_id = VALUES(ext_id)`,
      part.flatMap((d) => [d.id, d.org_id, d.parent_id, d.name, d.sort, d.ext_id]));
    }
    await writePeople(conn, changes.flatMap((c) => (c.op === 'person' ? [c.person] : [])), at);
  }

  return {
    async load(): Promise<DirectoryData> {
      const conn = await pool.getConnection();
      try {
        // One snapshot for every table, whatever the session's isolation level.
        await conn.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
        await conn.query('START TRANSACTION WITH CONSISTENT SNAPSHOT');
        const [state] = await q(conn, 'SELECT version FROM dir_state WHERE id = 1');
        const orgs = await q(conn, 'SELECT id, name, sort FROM dir_orgs');
        const depts = await q(conn, 'SELECT id, org_id, parent_id, name, sort, ext_id FROM dir_depts');
        const people = await q(conn, `SELECT ${PERSON_COLS} FROM dir_people`);
        const members = await q(conn, 'SELECT person_id, dept_id, title, sort FROM dir_members');
        const policies = await q(conn, 'SELECT id, target, target_id, fields FROM dir_policies');
        const scopes = await q(conn, 'SELECT user_id, dept_ids FROM dir_scopes');
        await conn.query('COMMIT');
        return {
          version: Number(state!.version),
          orgs: orgs.map((r) => ({ id: Number(r.id), name: r.name, sort: Number(r.sort) })),
          depts: depts.map((r) => ({ id: Number(r.id), org_id: Number(r.org_id), parent_id: r.parent_id === null ? null : Number(r.parent_id), name: r.name, sort: Number(r.sort), ext_id: r.ext_id })),
          people: peopleFromRows(people, members),
          policies: policies.map(policyFromRow),
          scopes: scopes.map((r) => ({ user_id: Number(r.user_id), dept_ids: JSON.parse(r.dept_ids as string) as number[] })),
        };
      } finally {
        conn.release();
      }
    },
    async version() {
      const [row] = await q(pool, 'SELECT version FROM dir_state WHERE id = 1');
      return Number(row!.version);
    },
    async commit(expectVersion, changes, at) {
      const conn = await pool.getConnection();
      try {
        await conn.beginTransaction();
        const [row] = await q(conn, 'SELECT version FROM dir_state WHERE id = 1 FOR UPDATE');
        const v = Number(row!.version);
        if (v !== expectVersion) throw new AppError('SB_CONFLICT', 'The directory changed meanwhile', { version: v });
        const version = v + 1;
        const ordered = orderChanges(changes);
        await apply(conn, ordered, at);
        for (const part of chunks(ordered, 2000)) {
          await q(conn, `INSERT INTO dir_changes (version, data, at) VALUES ${part.map(() => '(?, ?, ?)').join(', ')}`, part.flatMap((c) => [version, JSON.stringify(c), at]));
        }
        await q(conn, 'UPDATE dir_state SET version = ? WHERE id = 1', [version]);
        await conn.commit();
        return { version, changes: ordered };
      } catch (e) {
        await conn.rollback().catch(() => {}); // the commit error is rethrown; a broken connection rolls back on close
        if ((e as { code?: string }).code === 'ER_DUP_ENTRY') throw new AppError('SB_CONFLICT', 'Conflicts with existing data');
        throw e;
      } finally {
        conn.release();
      }
    },
    async changesSince(version, limit) {
      const rows = await q(pool, 'SELECT version, data FROM dir_changes WHERE version > ? ORDER BY version, id LIMIT ?', [version, limit + 1]);
      return { changes: rows.slice(0, limit).map((r) => ({ version: Number(r.version), change: JSON.parse(r.data as string) as DirStoredChange })), more: rows.length > limit };
    },
  };
}
