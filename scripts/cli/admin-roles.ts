import { AppError } from '../../shared/errors.js';
import type { OperationName, ResultOf } from '../../core/operations.js';
import type { Method } from '../../shared/protocol/api.js';
import type { FlagSpec, Parsed } from './args.js';

/** The admin CLI's commands for tiered administration and the readable audit log (docs/administration.md). */
const USER = { ACCOUNT: 'user_id' };
const PERMS = { flag: '--permissions', value: 'people,departments,...' };
const AUDIT_FLAGS: FlagSpec[] = [
  { flag: '--limit', value: 'N' }, { flag: '--actor', value: 'ACCOUNT', field: 'actor_id' }, { flag: '--action', value: 'ACTION' },
  { flag: '--target', value: 'KIND:ID' }, { flag: '--since', value: 'DATE|MS' }, { flag: '--until', value: 'DATE|MS' }, { flag: '--format', value: 'table|csv' },
];

export const ROLE_COMMANDS = [
  { name: 'roles list', help: 'the roles (built-in and custom) and their permissions' },
  { name: 'roles create', args: ['NAME'], flags: [{ ...PERMS, required: true }] },
  { name: 'roles update', args: ['ROLE_ID'], flags: [{ flag: '--name', value: 'NAME' }, PERMS] },
  { name: 'roles delete', args: ['ROLE_ID'], help: 'only a custom role nobody holds' },
  { name: 'grants list', flags: [{ flag: '--user', value: 'ACCOUNT', field: 'user_id' }] },
  { name: 'grants add', argFields: { ...USER, ROLE: 'role_id' }, args: ['ACCOUNT', 'ROLE'], flags: [{ flag: '--depts', value: 'ID,ID', field: 'dept_ids' }],
    help: 'ROLE by id or name; --depts: those departments and below (absent: the whole organisation); never beyond your own' },
  { name: 'grants revoke', args: ['GRANT_ID'] },
];
export const AUDIT_COMMAND = { name: 'audit', flags: AUDIT_FLAGS, help: 'newest first, with names; --format csv for the export (at most 10,000 rows)' };

/** What these commands need of the CLI: typed calls and the user lookup by account. */
export interface RolesCli {
  call<M extends Method & OperationName>(method: M, params?: Record<string, unknown>): Promise<ResultOf<M>>;
  userId(account: string | undefined): Promise<number>;
  print(value: unknown, text: () => string): void;
  out(s: string): void;
  table(rows: Record<string, unknown>[], cols: string[]): string;
}

const list = (v: string | undefined) => (v ?? '').split(',').map((s) => s.trim()).filter(Boolean);

/** "2026-01-31", "2026-01-31T08:00:00Z" or milliseconds since the epoch. */
export function parseTime(v: string | undefined, flag: string): number | undefined {
  if (v === undefined) return undefined;
  const ms = /^\d+$/.test(v) ? Number(v) : Date.parse(v);
  if (!Number.isFinite(ms)) throw new AppError('SB_VALIDATION', `${flag}: not a date (2026-01-31, an ISO time or milliseconds)`, { field: flag });
  return ms;
}

/** Runs one of ROLE_COMMANDS or the audit command; null when `command` is none of them. */
export async function runRoleCommand(command: string, rest: string[], args: Parsed, cli: RolesCli): Promise<number | null> {
  switch (command) {
    case 'roles list': {
      const roles = await cli.call('admin.roles.list');
      cli.print(roles, () => cli.table(roles.map((r) => ({ ...r, permissions: r.permissions.join(','), builtin: r.builtin ? 'yes' : '' })), ['id', 'name', 'permissions', 'builtin', 'holders']));
      return 0;
    }
    case 'roles create': {
      const r = await cli.call('admin.roles.create', { name: rest[0], permissions: list(args.get('--permissions')) });
      cli.print(r, () => `Created role ${r.name} (#${r.id}): ${r.permissions.join(', ')}`);
      return 0;
    }
    case 'roles update': {
      const perms = args.get('--permissions');
      const r = await cli.call('admin.roles.update', { role_id: rest[0], name: args.get('--name'), permissions: perms === undefined ? undefined : list(perms) });
      cli.print(r, () => `Role ${r.name} (#${r.id}): ${r.permissions.join(', ')}`);
      return 0;
    }
    case 'roles delete': {
      const r = await cli.call('admin.roles.delete', { role_id: rest[0] });
      cli.print(r, () => `Deleted role #${rest[0]}`);
      return 0;
    }
    case 'grants list': {
      const user = args.get('--user');
      const grants = await cli.call('admin.grants.list', { user_id: user === undefined ? undefined : await cli.userId(user) });
      cli.print(grants, () => cli.table(grants.map((g) => ({ ...g, user: `${g.user_name} (#${g.user_id})`, role: g.role_name, scope: g.dept_ids === null ? 'whole organisation' : g.dept_names.join(', ') })),
        ['id', 'user', 'role', 'scope']));
      return 0;
    }
    case 'grants add': {
      const ref = rest[1];
      const roleId = ref && /^\d+$/.test(ref) ? Number(ref) : (await cli.call('admin.roles.list')).find((r) => r.name === ref)?.id;
      if (roleId === undefined) throw new AppError('SB_NOT_FOUND', `No role ${ref ?? ''}`);
      const depts = args.get('--depts');
      const g = await cli.call('admin.grants.add', { user_id: await cli.userId(rest[0]), role_id: roleId, dept_ids: depts === undefined ? null : list(depts).map((d) => (/^\d+$/.test(d) ? Number(d) : d)) });
      cli.print(g, () => `Grant #${g.id}: ${g.user_name} holds ${g.role_name} over ${g.dept_ids === null ? 'the whole organisation' : g.dept_names.join(', ')}`);
      return 0;
    }
    case 'grants revoke': {
      const g = await cli.call('admin.grants.revoke', { grant_id: rest[0] });
      cli.print(g, () => `Revoked grant #${g.id}: ${g.user_name} no longer holds ${g.role_name}`);
      return 0;
    }
    case 'audit': {
      const actor = args.get('--actor');
      const filters = {
        actor_id: actor === undefined ? undefined : await cli.userId(actor), action: args.get('--action'), target: args.get('--target'),
        since: parseTime(args.get('--since'), '--since'), until: parseTime(args.get('--until'), '--until'), limit: args.get('--limit'),
      };
      const format = args.get('--format') ?? 'table';
      if (format === 'csv') {
        const r = await cli.call('admin.audit.export', { ...filters, format: 'csv' });
        cli.out(r.csv.replace(/\r\n$/, ''));
        if (r.truncated) process.stderr.write(`switchboard: only the newest ${r.rows} entries were exported; narrow the filters for older ones\n`);
        return 0;
      }
      if (format !== 'table') throw new AppError('SB_VALIDATION', '--format: table or csv', { field: '--format' });
      const entries = await cli.call('admin.audit', { ...filters, limit: filters.limit ?? 50 });
      cli.print(entries, () => cli.table(entries.map((e) => ({
        ...e, at: new Date(e.at).toISOString(), actor: e.actor_id === null ? '' : `${e.actor_name ?? ''} (#${e.actor_id})`,
        target: e.target_name ? `${e.target} ${e.target_name}` : e.target, details: JSON.stringify(e.details),
      })), ['id', 'at', 'actor', 'action', 'target', 'details']));
      return 0;
    }
    default:
      return null;
  }
}
