import type Database from 'better-sqlite3';
import { AppError } from '../../../shared/errors.js';
import type { DirPerson, DirPolicy } from '../../../shared/protocol/directory.js';
import type { DirectoryData, DirectoryStore, DirStoredChange } from '../../../core/ports.js';
import type { WriteBatcher } from './batcher.js';

type Row = Record<string, any>;

const PERSON_COLS = 'id, user_id, account, name, english_name, gender, mobile, phone, email, title, employee_no, avatar, status';

/** Rows → directory records (shared with the MySQL store). */
export function peopleFromRows(people: Row[], members: Row[]): DirPerson[] {
  const byPerson = new Map<number, { dept_id: number; title: string; sort: number }[]>();
  for (const m of members) {
    const pid = Number(m.person_id);
    let list = byPerson.get(pid);
    if (!list) byPerson.set(pid, (list = []));
    list.push({ dept_id: Number(m.dept_id), title: m.title, sort: Number(m.sort) });
  }
  return people.map((r) => ({
    id: Number(r.id), user_id: r.user_id === null ? null : Number(r.user_id), account: r.account, name: r.name, english_name: r.english_name,
    gender: r.gender, mobile: r.mobile, phone: r.phone, email: r.email, title: r.title, employee_no: r.employee_no, avatar: r.avatar,
    status: r.status, depts: (byPerson.get(Number(r.id)) ?? []).sort((a, b) => a.dept_id - b.dept_id),
  }));
}

export function policyFromRow(r: Row): DirPolicy {
  return { id: Number(r.id), target: r.target, target_id: Number(r.target_id), fields: JSON.parse(r.fields as string) };
}

/** Deletes first, then upserts: distinct entities commute, and a freed account can be taken in the same commit. */
export function orderChanges(changes: DirStoredChange[]): DirStoredChange[] {
  const isDelete = (c: DirStoredChange) => c.op.endsWith('.delete');
  return [...changes.filter(isDelete), ...changes.filter((c) => !isDelete(c))];
}

export function sqliteDirectoryStore(db: Database.Database, writes: WriteBatcher): DirectoryStore {
  const cache = new Map<string, Database.Statement>();
  const stmt = (sql: string) => {
    let s = cache.get(sql);
    if (!s) { s = db.prepare(sql); cache.set(sql, s); }
    return s;
  };
  const currentVersion = () => Number((stmt('SELECT version FROM dir_state WHERE id = 1').get() as Row).version);

  const upsertPerson = (p: DirPerson, at: number) => {
    const disabled = p.status === 'active' ? 0 : 1;
    stmt(`INSERT INTO users (account, name, password_hash, is_admin, disabled, created_at, updated_at) VALUES (?, ?, '', 0, ?, ?, ?)
      ON CONFLICT (account) DO UPDATE SET name = excluded.name, disabled = excluded.disabled, updated_at = excluded.updated_at
      WHERE users.name <> excluded.name OR users.disabled <> excluded.disabled`).run(p.account, p.name, disabled, at, at);
    p.user_id = Number((stmt('SELECT id FROM users WHERE account = ?').get(p.account) as Row).id);
    stmt(`INSERT INTO dir_people (${PERSON_COLS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (id) DO UPDATE SET user_id = excluded.user_id, account = excluded.account, name = excluded.name, english_name = excluded.english_name,
        gender = excluded.gender, mobile = excluded.mobile, phone = excluded.phone, email = excluded.email, title = excluded.title,
        employee_no = excluded.employee_no, avatar = excluded.avatar, status = excluded.status`)
      .run(p.id, p.user_id, p.account, p.name, p.english_name, p.gender, p.mobile, p.phone, p.email, p.title, p.employee_no, p.avatar, p.status);
    stmt('DELETE FROM dir_members WHERE person_id = ?').run(p.id);
    for (const m of p.depts) stmt('INSERT INTO dir_members (person_id, dept_id, title, sort) VALUES (?, ?, ?, ?)').run(p.id, m.dept_id, m.title, m.sort);
  };

  const applyOne = (c: DirStoredChange, at: number) => {
    switch (c.op) {
      case 'org':
        stmt('INSERT INTO dir_orgs (id, name, sort) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET name = excluded.name, sort = excluded.sort')
          .run(c.org.id, c.org.name, c.org.sort);
        break;
      case 'org.delete': stmt('DELETE FROM dir_orgs WHERE id = ?').run(c.id); break;
      case 'dept':
        stmt(`INSERT INTO dir_depts (id, org_id, parent_id, name, sort, ext_id) VALUES (?, ?, ?, ?, ?, ?)
          ON CONFLICT (id) DO UPDATE SET org_id = excluded.org_id, parent_id = excluded.parent_id, name = excluded.name, sort = excluded.sort, ext_id = excluded.ext_id`)
          .run(c.dept.id, c.dept.org_id, c.dept.parent_id, c.dept.name, c.dept.sort, c.dept.ext_id);
        break;
      case 'dept.delete': stmt('DELETE FROM dir_depts WHERE id = ?').run(c.id); break;
      case 'person': upsertPerson(c.person, at); break;
      case 'person.delete':
        stmt('DELETE FROM dir_members WHERE person_id = ?').run(c.id);
        stmt('DELETE FROM dir_people WHERE id = ?').run(c.id);
        break;
      case 'policy':
        stmt('INSERT INTO dir_policies (id, target, target_id, fields) VALUES (?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET target = excluded.target, target_id = excluded.target_id, fields = excluded.fields')
          .run(c.policy.id, c.policy.target, c.policy.target_id, JSON.stringify(c.policy.fields));
        break;
      case 'policy.delete': stmt('DELETE FROM dir_policies WHERE id = ?').run(c.id); break;
      case 'scope':
        if (c.dept_ids.length === 0) stmt('DELETE FROM dir_scopes WHERE user_id = ?').run(c.user_id);
        else stmt('INSERT INTO dir_scopes (user_id, dept_ids) VALUES (?, ?) ON CONFLICT (user_id) DO UPDATE SET dept_ids = excluded.dept_ids').run(c.user_id, JSON.stringify(c.dept_ids));
        break;
      default: throw new AppError('SB_INTERNAL', 'unknown directory change');
    }
  };

  return {
    load: async (): Promise<DirectoryData> => {
      // One read transaction, so the rows match the version.
      return db.transaction(() => ({
        version: currentVersion(),
        orgs: (stmt('SELECT id, name, sort FROM dir_orgs').all() as Row[]).map((r) => ({ id: r.id, name: r.name, sort: r.sort })),
        depts: (stmt('SELECT id, org_id, parent_id, name, sort, ext_id FROM dir_depts').all() as Row[])
          .map((r) => ({ id: r.id, org_id: r.org_id, parent_id: r.parent_id, name: r.name, sort: r.sort, ext_id: r.ext_id })),
        people: peopleFromRows(stmt(`SELECT ${PERSON_COLS} FROM dir_people`).all() as Row[], stmt('SELECT person_id, dept_id, title, sort FROM dir_members').all() as Row[]),
        policies: (stmt('SELECT id, target, target_id, fields FROM dir_policies').all() as Row[]).map(policyFromRow),
        scopes: (stmt('SELECT user_id, dept_ids FROM dir_scopes').all() as Row[]).map((r) => ({ user_id: r.user_id, dept_ids: JSON.parse(r.dept_ids as string) })),
      }))();
    },
    version: async () => currentVersion(),
    commit: (expectVersion, changes, at) => writes.run(() => {
      const v = currentVersion();
      if (v !== expectVersion) throw new AppError('SB_CONFLICT', 'The directory changed meanwhile', { version: v });
      const version = v + 1;
      const ordered = orderChanges(changes);
      const log = stmt('INSERT INTO dir_changes (version, data, at) VALUES (?, ?, ?)');
      for (const c of ordered) {
        applyOne(c, at);
        log.run(version, JSON.stringify(c), at);
      }
      stmt('UPDATE dir_state SET version = ? WHERE id = 1').run(version);
      return { version, changes: ordered };
    }),
    changesSince: async (version, limit) => {
      const rows = stmt('SELECT version, data FROM dir_changes WHERE version > ? ORDER BY version, id LIMIT ?').all(version, limit + 1) as Row[];
      return { changes: rows.slice(0, limit).map((r) => ({ version: Number(r.version), change: JSON.parse(r.data as string) as DirStoredChange })), more: rows.length > limit };
    },
  };
}
