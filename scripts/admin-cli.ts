import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { AppError } from '../shared/errors.js';
import type { AuditEntry, ConversationView, LoginResult, SessionView, UserView } from '../shared/protocol/types.js';
import { ApiClient } from '../shared/sdk/api.js';

/**
 * The admin CLI. It speaks to a relay's authenticated admin API like any
 * client; it never opens the database, so every action is checked and audited.
 */
const HELP = `Usage: switchboard admin <command> [options]

  login --server URL --account NAME [--password PW]   sign in and save the session (password also from SWITCHBOARD_PASSWORD)
  logout
  user add ACCOUNT --password PW [--name NAME] [--admin]
  user list [--q TEXT] [--limit N]
  user disable ACCOUNT          ends all of the user's sessions at once
  user enable ACCOUNT
  user passwd ACCOUNT --password PW
  user admin ACCOUNT on|off
  group create --title TITLE --owner ACCOUNT --members A,B,C
  sessions [--user ACCOUNT]
  session revoke SESSION_ID
  audit [--limit N]

Options: --json prints JSON; --server URL overrides the saved server.
Credentials are kept in $SWITCHBOARD_CREDENTIALS or ~/.config/switchboard/credentials.json (mode 600).`;

interface Saved { server: string; token: string; account: string }

function credentialsPath(): string {
  return process.env.SWITCHBOARD_CREDENTIALS ?? join(homedir(), '.config', 'switchboard', 'credentials.json');
}

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

function positional(args: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i]!.startsWith('--')) { if (!['--admin', '--json'].includes(args[i]!)) i++; continue; }
    out.push(args[i]!);
  }
  return out;
}

function table(rows: Record<string, unknown>[], cols: string[]): string {
  const cells = rows.map((r) => cols.map((c) => String(r[c] ?? '')));
  const widths = cols.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i]!.length)));
  const line = (vals: string[]) => vals.map((v, i) => v.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(cols), ...cells.map(line)].join('\n');
}

export async function runAdmin(args: string[], out: (s: string) => void = (s) => process.stdout.write(`${s}\n`)): Promise<number> {
  const json = args.includes('--json');
  const [group, action, ...rest] = positional(args);
  const print = (value: unknown, text: () => string) => out(json ? JSON.stringify(value, null, 2) : text());
  try {
    if (!group || group === 'help') { out(HELP); return 0; }
    if (group === 'login') {
      const server = flag(args, '--server') ?? process.env.SWITCHBOARD_SERVER ?? 'http://localhost:7080';
      const account = flag(args, '--account') ?? 'admin';
      const password = flag(args, '--password') ?? process.env.SWITCHBOARD_PASSWORD;
      if (!password) throw new AppError('SB_VALIDATION', 'password: pass --password or set SWITCHBOARD_PASSWORD');
      const r = await new ApiClient(server).call<LoginResult>('auth.login', { account, password, device_type: 'cli', device_name: 'switchboard admin' });
      const path = credentialsPath();
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, JSON.stringify({ server, token: r.token, account } satisfies Saved), { mode: 0o600 });
      print({ ok: true, user: r.user }, () => `Signed in to ${server} as ${r.user.account}${r.user.is_admin ? ' (administrator)' : ''}`);
      return 0;
    }
    const path = credentialsPath();
    if (!existsSync(path)) throw new AppError('SB_UNAUTHENTICATED', 'Not signed in: run switchboard admin login first');
    const saved = JSON.parse(readFileSync(path, 'utf8')) as Saved;
    const api = new ApiClient(flag(args, '--server') ?? saved.server, saved.token);
    const userId = async (account: string | undefined): Promise<number> => {
      if (!account) throw new AppError('SB_VALIDATION', 'account: required');
      if (/^#\d+$/.test(account)) return Number(account.slice(1));
      const found = (await api.call<UserView[]>('admin.users.list', { q: account, limit: 1000 })).find((u) => u.account === account);
      if (!found) throw new AppError('SB_NOT_FOUND', `No user with account ${account}`);
      return found.id;
    };
    const userLine = (u: UserView) => `${u.account} (#${u.id}) ${u.name}${u.is_admin ? ' [admin]' : ''}${u.disabled ? ' [disabled]' : ''}`;

    switch (`${group} ${action ?? ''}`.trim()) {
      case 'logout':
        await api.call('auth.logout').catch(() => {});
        writeFileSync(path, '{}', { mode: 0o600 });
        out('Signed out');
        return 0;
      case 'user add': {
        const password = flag(args, '--password');
        const u = await api.call<UserView>('admin.users.create', { account: rest[0], name: flag(args, '--name'), password, is_admin: args.includes('--admin') });
        print(u, () => `Created ${userLine(u)}`);
        return 0;
      }
      case 'user list': {
        const users = await api.call<UserView[]>('admin.users.list', { q: flag(args, '--q'), limit: flag(args, '--limit') ?? 1000 });
        print(users, () => table(users.map((u) => ({ ...u, is_admin: u.is_admin ? 'yes' : '', disabled: u.disabled ? 'yes' : '' })), ['id', 'account', 'name', 'is_admin', 'disabled']));
        return 0;
      }
      case 'user disable':
      case 'user enable': {
        const u = await api.call<UserView>(action === 'disable' ? 'admin.users.disable' : 'admin.users.enable', { user_id: await userId(rest[0]) });
        print(u, () => `${action === 'disable' ? 'Disabled' : 'Enabled'} ${userLine(u)}`);
        return 0;
      }
      case 'user passwd': {
        const u = await api.call<UserView>('admin.users.password', { user_id: await userId(rest[0]), password: flag(args, '--password') });
        print(u, () => `Password reset for ${userLine(u)}; their sessions ended`);
        return 0;
      }
      case 'user admin': {
        const on = rest[1] === 'on' ? true : rest[1] === 'off' ? false : undefined;
        if (on === undefined) throw new AppError('SB_VALIDATION', 'expected on or off');
        const u = await api.call<UserView>('admin.users.setAdmin', { user_id: await userId(rest[0]), is_admin: on });
        print(u, () => userLine(u));
        return 0;
      }
      case 'group create': {
        const members = (flag(args, '--members') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
        const ownerId = await userId(flag(args, '--owner') ?? saved.account);
        const memberIds = await Promise.all(members.map((a) => userId(a)));
        const c = await api.call<ConversationView>('admin.groups.create', { title: flag(args, '--title'), owner_id: ownerId, member_ids: memberIds });
        print(c, () => `Created group "${c.title}" (#${c.id}) with ${c.members.length} members`);
        return 0;
      }
      case 'sessions': {
        const uid = flag(args, '--user') ? await userId(flag(args, '--user')) : undefined;
        const list = await api.call<SessionView[]>('admin.sessions.list', { user_id: uid });
        print(list, () => table(list.map((s) => ({ ...s, created: new Date(s.created_at).toISOString() })), ['id', 'user_id', 'device_type', 'device_name', 'ip', 'created']));
        return 0;
      }
      case 'session revoke': {
        const r = await api.call('admin.sessions.revoke', { session_id: rest[0] });
        print(r, () => `Revoked session ${rest[0]}`);
        return 0;
      }
      case 'audit': {
        const list = await api.call<AuditEntry[]>('admin.audit', { limit: flag(args, '--limit') ?? 50 });
        print(list, () => table(list.map((e) => ({ ...e, at: new Date(e.at).toISOString(), details: JSON.stringify(e.details) })), ['id', 'at', 'actor_id', 'action', 'target', 'details']));
        return 0;
      }
      default:
        out(HELP);
        return 2;
    }
  } catch (e) {
    const body = e instanceof AppError ? e.toBody() : { code: 'SB_INTERNAL', message: (e as Error).message };
    process.stderr.write(`error ${body.code}: ${body.message}\n`);
    return 1;
  }
}
