import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { AppError } from '../shared/errors.js';
import type { UserView } from '../shared/protocol/types.js';
import type { LoginResultCode } from '../shared/protocol/signins.js';
import { ApiClient } from '../shared/sdk/api.js';
import { OPERATIONS, type OperationName, type ResultOf } from '../core/operations.js';
import { checkParams } from '../core/params.js';
import type { Method } from '../shared/protocol/api.js';
import type { DirDept, DirPerson } from '../shared/protocol/directory.js';
import { extname } from 'node:path';
import { commandHelp, helpText, parseArgs, spellFields, UsageError, type Parsed } from './cli/args.js';
import { ADMIN_CLI } from './cli/admin-commands.js';
import { fileRuleFields, fileRuleLine } from './cli/file-rules.js';
import { runAccountCommand } from './cli/admin-accounts.js';
import { runRoleCommand } from './cli/admin-roles.js';

/**
 * The admin CLI. It speaks to a relay's authenticated admin API like any
 * client; it never opens the database, so every action is checked and audited.
 */
const HELP = helpText(ADMIN_CLI);

interface Saved { server: string; token: string; account: string }

/**
 * The API as the CLI calls it: a command's values are checked against the operation's params schema before
 * anything is sent, and text from the command line is read as the schema says (digits as numbers, true/false,
 * comma lists), so a bad option is refused here, naming its field, exactly as the server would refuse it.
 */
class CliApi {
  private readonly api: ApiClient;
  constructor(server: string, token: string | null = null) { this.api = new ApiClient(server, token); }
  /** Typed by the table: the result is the operation's result schema's static type. */
  call<M extends Method & OperationName>(method: M, params: Record<string, unknown> = {}): Promise<ResultOf<M>> {
    return this.api.callUnchecked<ResultOf<M>>(method, checkParams(OPERATIONS[method].params, params));
  }
  upload(...args: Parameters<ApiClient['upload']>) { return this.api.upload(...args); }
  download(fileId: number) { return this.api.download(fileId); }
  directorySnapshot() { return this.api.directorySnapshot(); }
}

function credentialsPath(): string {
  return process.env.SWITCHBOARD_CREDENTIALS ?? join(homedir(), '.config', 'switchboard', 'credentials.json');
}

function flag(args: Parsed, name: string): string | undefined {
  return args.get(name);
}

function intFlag(args: Parsed, name: string): number | undefined {
  const v = args.get(name);
  return v === undefined ? undefined : Number(v);
}

/** A date or date-time as typed (2026-12-01, 2026-12-01T08:00, local time) → milliseconds; the server checks the rest. */
function dateFlag(args: Parsed, name: string): number | undefined {
  const v = args.get(name);
  if (v === undefined) return undefined;
  const at = new Date(v).getTime();
  if (Number.isNaN(at)) throw new AppError('SB_VALIDATION', `${name}: not a date: ${v}`, { field: name });
  return at;
}

/** RFC 4180: fields with a comma, quote or line break are quoted, quotes doubled. */
function csv(rows: Record<string, unknown>[], cols: string[]): string {
  const cell = (v: unknown) => { const s = String(v ?? ''); return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s; };
  return [cols.join(','), ...rows.map((r) => cols.map((c) => cell(r[c])).join(','))].join('\n');
}

function table(rows: Record<string, unknown>[], cols: string[]): string {
  const cells = rows.map((r) => cols.map((c) => String(r[c] ?? '')));
  const widths = cols.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i]!.length)));
  const line = (vals: string[]) => vals.map((v, i) => v.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(cols), ...cells.map(line)].join('\n');
}

export async function runAdmin(argv: string[], out: (s: string) => void = (s) => process.stdout.write(`${s}\n`)): Promise<number> {
  let args: Parsed;
  try {
    args = parseArgs(argv, ADMIN_CLI);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`switchboard: ${e.message}\n`);
    return e.exitCode;
  }
  if (args.help) { out(args.command.name === 'help' ? HELP : commandHelp(ADMIN_CLI, args.command)); return 0; }
  const json = args.has('--json');
  const [group, action, ...rest] = [...args.command.name.split(' '), ...args.positionals];
  const print = (value: unknown, text: () => string) => out(json ? JSON.stringify(value, null, 2) : text());
  try {
    if (!group || group === 'help') { out(HELP); return 0; }
    if (group === 'login') {
      const server = flag(args, '--server') ?? process.env.SWITCHBOARD_SERVER ?? 'http://localhost:7080';
      const account = flag(args, '--account') ?? 'admin';
      const password = flag(args, '--password') ?? process.env.SWITCHBOARD_PASSWORD;
      if (!password) throw new AppError('SB_VALIDATION', 'password: pass --password or set SWITCHBOARD_PASSWORD');
      const r = await new CliApi(server).call('auth.login', { account, password, device_type: 'cli', device_name: 'switchboard admin' });
      const path = credentialsPath();
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, JSON.stringify({ server, token: r.token, account } satisfies Saved), { mode: 0o600 });
      print({ ok: true, user: r.user }, () => `Signed in to ${server} as ${r.user.account}${r.user.is_admin ? ' (administrator)' : ''}`);
      return 0;
    }
    const path = credentialsPath();
    if (!existsSync(path)) throw new AppError('SB_UNAUTHENTICATED', 'Not signed in: run switchboard admin login first');
    const saved = JSON.parse(readFileSync(path, 'utf8')) as Saved;
    const api = new CliApi(flag(args, '--server') ?? saved.server, saved.token);
    const userId = async (account: string | undefined): Promise<number> => {
      if (!account) throw new AppError('SB_VALIDATION', 'account: required');
      if (/^#\d+$/.test(account)) return Number(account.slice(1));
      const found = (await api.call('admin.users.list', { q: account, limit: 1000 })).find((u) => u.account === account);
      if (!found) throw new AppError('SB_NOT_FOUND', `No user with account ${account}`);
      return found.id;
    };
    const userLine = (u: UserView) => `${u.account} (#${u.id}) ${u.name}${u.is_admin ? ' [admin]' : ''}${u.disabled ? ' [disabled]' : ''}`;

    const command = `${group} ${action ?? ''}`.trim();
    const cli = { call: (m: Parameters<typeof api.call>[0], p?: Record<string, unknown>) => api.call(m, p), userId, print, out, table };
    const done = (await runRoleCommand(command, rest, args, cli)) ?? (await runAccountCommand(command, rest, args, cli));
    if (done !== null) return done;
    switch (command) {
      case 'logout':
        await api.call('auth.logout').catch(() => {}); // the local credential is removed either way
        writeFileSync(path, '{}', { mode: 0o600 });
        out('Signed out');
        return 0;
      case 'user add': {
        const password = flag(args, '--password');
        const u = await api.call('admin.users.create', { account: rest[0], name: flag(args, '--name'), password, is_admin: args.has('--admin'), must_change: args.has('--must-change') || undefined });
        print(u, () => `Created ${userLine(u)}${u.password ? `\ninitial password (shown once; to be changed at first sign-in): ${u.password}` : ''}`);
        return 0;
      }
      case 'user list': {
        const users = await api.call('admin.users.list', { q: flag(args, '--q'), limit: flag(args, '--limit') ?? 1000 });
        print(users, () => table(users.map((u) => ({ ...u, is_admin: u.is_admin ? 'yes' : '', disabled: u.disabled ? 'yes' : '' })), ['id', 'account', 'name', 'is_admin', 'disabled']));
        return 0;
      }
      case 'user disable':
      case 'user enable': {
        const u = await api.call(action === 'disable' ? 'admin.users.disable' : 'admin.users.enable', { user_id: await userId(rest[0]) });
        print(u, () => `${action === 'disable' ? 'Disabled' : 'Enabled'} ${userLine(u)}`);
        return 0;
      }
      case 'user passwd': {
        const u = await api.call('admin.users.password', {
          user_id: await userId(rest[0]), password: flag(args, '--password'), generate: args.has('--generate') || undefined, must_change: args.has('--must-change') || undefined,
        });
        print(u, () => `Password reset for ${userLine(u)}; their sessions ended${u.password ? `\nnew password (shown once; to be changed at first sign-in): ${u.password}` : ''}`);
        return 0;
      }
      case 'user admin': {
        const on = rest[1] === 'on' ? true : rest[1] === 'off' ? false : undefined;
        if (on === undefined) throw new AppError('SB_VALIDATION', 'expected on or off');
        const u = await api.call('admin.users.setAdmin', { user_id: await userId(rest[0]), is_admin: on });
        print(u, () => userLine(u));
        return 0;
      }
      case 'group create': {
        const members = (flag(args, '--members') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
        const ownerId = await userId(flag(args, '--owner') ?? saved.account);
        const memberIds = await Promise.all(members.map((a) => userId(a)));
        const c = await api.call('admin.groups.create', { title: flag(args, '--title'), owner_id: ownerId, member_ids: memberIds });
        print(c, () => `Created group "${c.title}" (#${c.id}) with ${c.members.length} members`);
        return 0;
      }
      case 'sessions': {
        const uid = flag(args, '--user') ? await userId(flag(args, '--user')) : undefined;
        const list = await api.call('admin.sessions.list', { user_id: uid });
        print(list, () => table(list.map((s) => ({ ...s, created: new Date(s.created_at).toISOString() })), ['id', 'user_id', 'device_type', 'device_name', 'ip', 'created']));
        return 0;
      }
      case 'session revoke': {
        const r = await api.call('admin.sessions.revoke', { session_id: rest[0] });
        print(r, () => `Revoked session ${rest[0]}`);
        return 0;
      }
      case 'session wipe': {
        const w = await api.call('admin.devices.wipe', { session_id: rest[0] });
        print(w, () => `Wipe order #${w.id} for session ${w.session_id} (${w.device_type} ${w.device_name}): the session ended; pending until the device acknowledges`);
        return 0;
      }
      case 'wipes': {
        const uid = flag(args, '--user') ? await userId(flag(args, '--user')) : undefined;
        const state = flag(args, '--state');
        if (state !== undefined && state !== 'pending' && state !== 'acknowledged') throw new AppError('SB_VALIDATION', 'state: pending or acknowledged', { field: 'state' });
        const list = await api.call('admin.devices.wipes', { user_id: uid, state, limit: intFlag(args, '--limit') });
        const iso = (ms: number | null) => (ms === null ? '' : new Date(ms).toISOString());
        print(list, () => table(list.map((w) => ({ ...w, ordered: iso(w.ordered_at), acked: iso(w.acked_at) })),
          ['id', 'session_id', 'user_id', 'device_type', 'device_name', 'reason', 'ordered_by', 'ordered', 'state', 'acked']));
        return 0;
      }
      case 'device-policy get':
      case 'device-policy set': {
        const onOff = flag(args, '--require-pin');
        if (onOff !== undefined && onOff !== 'on' && onOff !== 'off') throw new AppError('SB_VALIDATION', 'require_pin: on or off', { field: 'require_pin' });
        const p = action === 'get' ? await api.call('admin.devices.policy.get')
          : await api.call('admin.devices.policy.set', { require_pin: onOff === undefined ? undefined : onOff === 'on', max_attempts: intFlag(args, '--max-attempts') });
        print(p, () => `security PIN: ${p.require_pin ? 'required' : 'optional'}\nwrong entries before a client wipes itself: ${p.max_attempts}`);
        return 0;
      }
      case 'audit verify': {
        const r = await api.call('admin.audit.verify');
        print(r, () => (r.ok ? `audit chain intact: ${r.rows} rows` : `audit chain broken at row ${r.first_broken!.id}: ${r.first_broken!.reason}`));
        return r.ok ? 0 : 1;
      }
      case 'login-log': {
        const uid = flag(args, '--user') ? await userId(flag(args, '--user')) : undefined;
        const list = await api.call('admin.loginLog', {
          user_id: uid, account: flag(args, '--account'), dept_id: intFlag(args, '--dept'), result: flag(args, '--result') as LoginResultCode | undefined,
          since: dateFlag(args, '--since'), until: dateFlag(args, '--until'), limit: intFlag(args, '--limit') ?? 100,
        });
        const rows = list.map((e) => ({ ...e, at: new Date(e.at).toISOString() }));
        const cols = ['id', 'at', 'account', 'name', 'result', 'ip', 'device_type', 'device_name'];
        print(list, () => (args.has('--csv') ? csv(rows, cols) : table(rows, cols)));
        return 0;
      }
      case 'online': {
        const r = await api.call('admin.online', { dept_id: intFlag(args, '--dept'), hours: intFlag(args, '--hours'), limit: intFlag(args, '--limit') });
        const cols = ['account', 'name', 'status', 'devices'];
        const rows = r.people.map((p) => ({ ...p, devices: p.devices.join(' ') }));
        print(r, () => (args.has('--csv') ? csv(rows, cols) : [
          `online now: ${r.total} (${Object.entries(r.by_device).map(([d, n]) => `${d} ${n}`).join(', ') || 'nobody'})`,
          ...(r.history.length ? [`over time: ${r.history.map((h) => `${new Date(h.at).toISOString().slice(11, 16)} ${h.total}`).join(', ')}`] : []),
          table(rows, cols),
        ].join('\n')));
        return 0;
      }
      case 'broadcast send': {
        const list = (f: string) => flag(args, f)?.split(',').map((x) => x.trim()).filter(Boolean);
        const users = list('--users');
        const b = await api.call('admin.broadcast.send', {
          title: flag(args, '--title'), text: flag(args, '--text'), cmid: flag(args, '--cmid'), all: args.has('--all') ? true : undefined,
          dept_ids: list('--depts')?.map(Number), user_ids: users && await Promise.all(users.map((a) => userId(a))),
        });
        print(b, () => `Broadcast #${b.id} "${b.title}": delivered ${b.delivered} of ${b.total}${b.status === 'done' ? '' : ' (delivering)'}`);
        return 0;
      }
      case 'broadcast list': {
        const list = await api.call('admin.broadcast.list', { limit: flag(args, '--limit') ?? 50 });
        print(list, () => table(list.map((b) => ({ ...b, at: new Date(b.created_at).toISOString(), target: JSON.stringify(b.target) })),
          ['id', 'at', 'sender_id', 'title', 'target', 'total', 'delivered', 'read', 'status']));
        return 0;
      }
      case 'message-policy get':
      case 'message-policy set': {
        const p = action === 'get' ? await api.call('admin.messagePolicy.get')
          : await api.call('admin.messagePolicy.set', { recall_window: flag(args, '--recall-window'), edit_window: flag(args, '--edit-window') });
        print(p, () => `recall window: ${p.recall_window} s${p.recall_window === 0 ? ' (off)' : ''}\nedit window: ${p.edit_window} s${p.edit_window === 0 ? ' (off)' : ''}`);
        return 0;
      }
      case 'dept list': {
        const snap = await api.directorySnapshot();
        const orgId = Number(flag(args, '--org') ?? 1);
        const counts = new Map<number, number>();
        for (const p of snap.people) for (const d of p.depts) counts.set(d.dept_id, (counts.get(d.dept_id) ?? 0) + 1);
        const kids = new Map<number | null, DirDept[]>();
        for (const d of snap.depts.filter((x) => x.org_id === orgId)) kids.set(d.parent_id, [...(kids.get(d.parent_id) ?? []), d]);
        const lines: string[] = [];
        const walk = (parent: number | null, depth: number) => {
          for (const d of (kids.get(parent) ?? []).sort((a, b) => a.sort - b.sort || a.id - b.id)) {
            lines.push(`${'  '.repeat(depth)}${d.name} (#${d.id}) ${counts.get(d.id) ?? 0} people`);
            walk(d.id, depth + 1);
          }
        };
        walk(null, 0);
        print(snap.depts.filter((x) => x.org_id === orgId), () => lines.join('\n') || '(no departments)');
        return 0;
      }
      case 'dept add': {
        const d = await api.call('admin.dir.dept.create', { name: rest[0], parent_id: flag(args, '--parent'), org_id: flag(args, '--org'), sort: flag(args, '--sort') });
        print(d, () => `Created department ${d.name} (#${d.id})`);
        return 0;
      }
      case 'dept rename':
      case 'dept move':
      case 'dept sort': {
        const params: Record<string, unknown> = { dept_id: rest[0] };
        if (action === 'rename') params.name = rest[1];
        if (action === 'sort') params.sort = rest[1];
        if (action === 'move') { const parent = flag(args, '--parent') ?? rest[1]; params.parent_id = parent === 'top' ? null : parent; }
        const d = await api.call('admin.dir.dept.update', params);
        print(d, () => `Department ${d.name} (#${d.id}) parent ${d.parent_id ?? 'top'} sort ${d.sort}`);
        return 0;
      }
      case 'dept delete': {
        const r = await api.call('admin.dir.dept.delete', { dept_id: rest[0], move_to: flag(args, '--move-to') });
        print(r, () => `Deleted department #${rest[0]}${r.moved_people || r.moved_depts ? ` (moved ${r.moved_people} people, ${r.moved_depts} sub-departments)` : ''}`);
        return 0;
      }
      case 'person add':
      case 'person set': {
        const params = personParams(args);
        const p = action === 'add'
          ? await api.call('admin.dir.person.create', { account: rest[0], ...params })
          : await api.call('admin.dir.person.update', { person_id: await personId(api, rest[0]), ...params });
        print(p, () => `${action === 'add' ? 'Created' : 'Updated'} ${personLine(p)}`);
        return 0;
      }
      case 'person show': {
        const p = await api.call('dir.person', { person_id: await personId(api, rest[0]) });
        print(p, () => [personLine(p), ...(['english_name', 'gender', 'mobile', 'phone', 'email', 'title', 'employee_no', 'avatar'] as const).filter((f) => p[f]).map((f) => `  ${f}: ${p[f]}`),
          ...p.paths.map((path, i) => `  dept: ${path}${p.depts[i]?.title ? ` (${p.depts[i]!.title})` : ''}`)].join('\n'));
        return 0;
      }
      case 'person delete': {
        const r = await api.call('admin.dir.person.delete', { person_id: await personId(api, rest[0]) });
        print(r, () => `Removed ${rest[0]} from the directory`);
        return 0;
      }
      case 'person search': {
        const r = await api.call('dir.search', { q: rest.join(' '), limit: flag(args, '--limit') ?? 20 });
        print(r.results, () => table(r.results.map((x) => ({ id: x.person.id, account: x.person.account, name: x.person.name, mobile: x.person.mobile, matched: x.matched, dept: x.depts[0] ?? '' })),
          ['id', 'account', 'name', 'mobile', 'matched', 'dept']));
        return 0;
      }
      case 'org create': {
        const o = await api.call('admin.dir.org.create', { name: rest[0] });
        print(o, () => `Created org ${o.name} (#${o.id})`);
        return 0;
      }
      case 'org import': {
        const file = rest[0];
        if (!file) throw new AppError('SB_VALIDATION', 'FILE: required');
        const ext = extname(file).toLowerCase();
        const format = flag(args, '--format') ?? (ext === '.xlsx' ? 'xlsx' : ext === '.xml' ? 'rtx' : 'csv');
        const uploaded = await api.upload(file.split('/').pop()!, 'application/octet-stream', readFileSync(file));
        const dryRun = args.has('--dry-run');
        try {
          const r = await api.call('admin.dir.import',
            { file_id: uploaded.id, format, dry_run: dryRun, org_id: flag(args, '--org') });
          print(r, () => [
            `${dryRun ? 'Dry run' : 'Imported'}: ${Object.entries(r.summary).map(([k, v]) => `${k.replace(/_/g, ' ')} ${v}`).join(', ')}`,
            ...r.issues.map((i) => `  line ${i.line}: ${i.reason}`),
            r.ok ? (dryRun ? 'No problems found; nothing was changed (dry run)' : `Directory version ${r.version}`) : `${r.issues.length} problem(s); nothing would be changed`,
          ].join('\n'));
          return r.ok ? 0 : 1;
        } catch (e) {
          const issues = e instanceof AppError ? (e.details as { issues?: { line: number; reason: string }[] } | undefined)?.issues : undefined;
          if (!issues) throw e;
          print({ ok: false, issues }, () => [...issues.map((i) => `  line ${i.line}: ${i.reason}`), `${issues.length} problem(s); nothing was changed`].join('\n'));
          return 1;
        }
      }
      case 'org export': {
        const file = rest[0];
        if (!file) throw new AppError('SB_VALIDATION', 'FILE: required');
        const format = flag(args, '--format') ?? (extname(file).toLowerCase() === '.xlsx' ? 'xlsx' : 'csv');
        const f = await api.call('admin.dir.export', { format, org_id: flag(args, '--org') });
        writeFileSync(file, await api.download(f.id));
        print(f, () => `Exported directory version ${f.version} to ${file} (${f.size} bytes)`);
        return 0;
      }
      case 'policy list': {
        const list = await api.call('admin.dir.policy.list');
        print(list, () => table(list.map((p) => ({ ...p, fields: p.fields.join(',') })), ['id', 'target', 'target_id', 'fields']));
        return 0;
      }
      case 'policy set': {
        const target = rest[0];
        const targetId = target === 'person' && rest[1] && !/^\d+$/.test(rest[1]) ? await personId(api, rest[1]) : rest[1];
        const p = await api.call('admin.dir.policy.set', { target, target_id: targetId, fields: (flag(args, '--fields') ?? '').split(',').map((s) => s.trim()).filter(Boolean) });
        print(p, () => `Policy #${p.id}: ${p.fields.join(', ')} of ${p.target} #${p.target_id} are confidential`);
        return 0;
      }
      case 'policy delete': {
        const r = await api.call('admin.dir.policy.delete', { policy_id: rest[0] });
        print(r, () => `Removed policy #${rest[0]}`);
        return 0;
      }
      case 'filerule list': {
        const rules = await api.call('admin.filePolicy.list');
        print(rules, () => (rules.length ? rules.map(fileRuleLine).join('\n') : 'No file-sending rules: only the server\'s limits apply'));
        return 0;
      }
      case 'filerule set': case 'filerule delete': {
        const scope = rest[0];
        const targetId = scope === 'person' && rest[1] && !/^\d+$/.test(rest[1]) ? await personId(api, rest[1]) : rest[1];
        if (action === 'delete') {
          const r = await api.call('admin.filePolicy.delete', { scope, target_id: targetId });
          print(r, () => (r.deleted ? `Removed the rule of ${scope} ${rest[1]}` : `${scope} ${rest[1]} had no rule`));
          return 0;
        }
        const r = await api.call('admin.filePolicy.set', { scope, target_id: targetId, ...fileRuleFields((f) => flag(args, f)) });
        print(r, () => fileRuleLine(r));
        return 0;
      }
      case 'scope set': {
        const depts = (flag(args, '--depts') ?? '').split(',').map((s) => s.trim()).filter(Boolean).map(Number);
        const r = await api.call('admin.dir.scope.set', { user_id: await userId(rest[0]), dept_ids: depts });
        print(r, () => `Scope of ${rest[0]}: ${r.dept_ids.length ? r.dept_ids.map((d) => `#${d}`).join(', ') : 'the whole directory'}`);
        return 0;
      }
      default:
        out(HELP);
        return 2;
    }
  } catch (e) {
    const body = e instanceof AppError ? e.toBody() : { code: 'SB_INTERNAL', message: (e as Error).message };
    process.stderr.write(`error ${body.code}: ${spellFields(body.message, args.command, ADMIN_CLI)}\n`);
    return 1;
  }
}

const PERSON_FLAGS: Record<string, string> = {
  '--name': 'name', '--english-name': 'english_name', '--gender': 'gender', '--mobile': 'mobile', '--phone': 'phone', '--email': 'email',
  '--title': 'title', '--employee-no': 'employee_no', '--avatar': 'avatar', '--status': 'status',
};

function personParams(args: Parsed): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const [f, field] of Object.entries(PERSON_FLAGS)) { const v = flag(args, f); if (v !== undefined) params[field] = v; }
  const depts = flag(args, '--dept');
  if (depts !== undefined) {
    params.depts = depts.split(',').map((s) => s.trim()).filter(Boolean).map((s) => {
      const [id, title, sort] = s.split(':');
      return { dept_id: Number(id), title: title ?? '', sort: Number(sort ?? 0) };
    });
  }
  return params;
}

/** "#12" is a person id; anything else an account, found through search. */
async function personId(api: CliApi, ref: string | undefined): Promise<number> {
  if (!ref) throw new AppError('SB_VALIDATION', 'account: required');
  if (/^#\d+$/.test(ref)) return Number(ref.slice(1));
  const r = await api.call('dir.search', { q: ref, limit: 200 });
  const found = r.results.find((x) => x.person.account === ref);
  if (!found) throw new AppError('SB_NOT_FOUND', `No person with account ${ref}`);
  return found.person.id;
}

function personLine(p: DirPerson): string {
  return `${p.account} (#${p.id}) ${p.name}${p.status !== 'active' ? ` [${p.status}]` : ''}${p.depts.length ? ` in ${p.depts.map((d) => `#${d.dept_id}`).join(', ')}` : ''}`;
}
