import { AppError } from '../../shared/errors.js';
import type { Parsed } from './args.js';
import type { RolesCli } from './admin-roles.js';

/** The admin CLI's commands for the password policy, others' credentials and 登录授权 (docs/security.md). */
const USER = { ACCOUNT: 'user_id' };
const N = (flag: string) => ({ flag, value: 'N' });
const ON_OFF = (flag: string) => ({ flag, value: 'on|off' });
const POLICY_FLAGS = [
  N('--min-length'), N('--min-classes'), N('--history'), N('--max-age-days'), N('--lockout-threshold'), N('--lockout-seconds'),
  ON_OFF('--force-change-admin-set'), ON_OFF('--totp-for-admins'), N('--activation-days'),
];

const TARGET = { 'org|dept|person': 'scope', ID: 'target_id' };

export const ACCOUNT_COMMANDS = [
  { name: 'login-policy list', help: 'login rules (登录授权) in my scope: device types, approval of new devices' },
  { name: 'login-policy set', argFields: TARGET, args: ['org|dept|person', 'ID'],
    flags: [{ flag: '--devices', value: 'web,desktop,mobile,cli,bot|inherit', field: 'device_types' }, { flag: '--approval', value: 'none|new_device|inherit' }],
    help: 'replace the rule of this org, department or person (the most specific rule decides each field); audited' },
  { name: 'login-policy delete', argFields: TARGET, args: ['org|dept|person', 'ID'] },
  { name: 'approvals list', help: 'sign-ins on new devices waiting for approval, of people in my scope' },
  { name: 'approvals decide', argFields: { ...USER, DEVICE_ID: 'device_id' }, args: ['ACCOUNT', 'DEVICE_ID', 'approve|refuse'], help: 'audited' },
  { name: 'device list', argFields: USER, args: ['ACCOUNT'], help: 'the devices a person signed in from: approved, waiting, refused' },
  { name: 'device forget', argFields: { ...USER, DEVICE_ID: 'device_id' }, args: ['ACCOUNT', 'DEVICE_ID'], help: 'its next sign-in is a new device again' },
  { name: 'password-policy get', help: 'the password rules, expiry, lockout and second factor for administrators' },
  { name: 'password-policy set', flags: POLICY_FLAGS, help: 'change some of them (the whole organisation\'s; audited)' },
  { name: 'user unlock', argFields: USER, args: ['ACCOUNT'], help: 'lift a lock left by failed sign-ins' },
  { name: 'user totp-reset', argFields: USER, args: ['ACCOUNT'], help: 'remove the second factor (a lost phone); ends their sessions' },
  { name: 'user activation-codes', argFields: { ACCOUNT: 'user_ids' }, args: ['[ACCOUNT...]'], flags: [{ flag: '--dept', value: 'DEPT_ID', field: 'dept_id' }, { flag: '--csv' }],
    help: 'one-time codes (激活码) for these people, or with --dept for everyone there and below without a password; shown once' },
];

const onOff = (v: string | undefined, flag: string): boolean | undefined => {
  if (v === undefined) return undefined;
  if (v === 'on' || v === 'off') return v === 'on';
  throw new AppError('SB_VALIDATION', `${flag}: expected on or off`);
};

const policyText = (p: Record<string, unknown>) => [
  `password: at least ${p.min_length} characters, ${p.min_classes} of lower/upper/digits/symbols, not one of the last ${p.history}`,
  `expiry: ${p.max_age_days === 0 ? 'never' : `${p.max_age_days} days`}`,
  `lockout: ${p.lockout_threshold === 0 ? 'off' : `after ${p.lockout_threshold} failures, ${p.lockout_seconds} s doubling`}`,
  `administrators must use TOTP: ${p.totp_for_admins ? 'yes' : 'no'}`,
  `passwords typed by an administrator must be changed at first sign-in: ${p.force_change_admin_set ? 'yes' : 'no'}`,
  `activation codes last: ${p.activation_days} days`,
].join('\n');

const csvCell = (v: unknown) => { const s = String(v ?? ''); return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s; };

export async function runAccountCommand(command: string, rest: string[], args: Parsed, cli: RolesCli): Promise<number | null> {
  switch (command) {
    case 'password-policy get':
    case 'password-policy set': {
      const patch = {
        min_length: args.get('--min-length'), min_classes: args.get('--min-classes'), history: args.get('--history'), max_age_days: args.get('--max-age-days'),
        lockout_threshold: args.get('--lockout-threshold'), lockout_seconds: args.get('--lockout-seconds'), activation_days: args.get('--activation-days'),
        force_change_admin_set: onOff(args.get('--force-change-admin-set'), '--force-change-admin-set'), totp_for_admins: onOff(args.get('--totp-for-admins'), '--totp-for-admins'),
      };
      const p = command.endsWith('get') ? await cli.call('admin.passwordPolicy.get') : await cli.call('admin.passwordPolicy.set', patch);
      cli.print(p, () => policyText(p));
      return 0;
    }
    case 'user unlock': {
      const r = await cli.call('admin.users.unlock', { user_id: await cli.userId(rest[0]) });
      cli.print(r, () => (r.unlocked ? `Unlocked ${rest[0]}` : `${rest[0]} was not locked`));
      return 0;
    }
    case 'user totp-reset': {
      const r = await cli.call('admin.users.resetTotp', { user_id: await cli.userId(rest[0]) });
      cli.print(r, () => (r.reset ? `Removed the second factor of ${rest[0]}; ${r.sessions_ended} sessions ended` : `${rest[0]} had no second factor`));
      return 0;
    }
    case 'user activation-codes': {
      const dept = args.get('--dept');
      if ((dept === undefined) === (rest.length === 0)) throw new AppError('SB_VALIDATION', 'name accounts or --dept, not both and not neither');
      const codes = await cli.call('admin.users.activationCodes', dept ? { dept_id: dept } : { user_ids: await Promise.all(rest.map((a) => cli.userId(a))) });
      const rows = codes.map((c) => ({ ...c, expires: new Date(c.expires_at).toISOString() }));
      const cols = ['account', 'name', 'code', 'expires'];
      cli.print(codes, () => (args.has('--csv')
        ? [cols.join(','), ...rows.map((r) => cols.map((c) => csvCell((r as Record<string, unknown>)[c])).join(','))].join('\n')
        : `${cli.table(rows, cols)}\n${codes.length} codes; each works once, until it expires`));
      return 0;
    }
    case 'login-policy list': {
      const rules = await cli.call('admin.loginPolicy.list');
      cli.print(rules, () => cli.table(rules.map((r) => ({ ...r, device_types: r.device_types?.join(',') ?? '(inherit)', approval: r.approval ?? '(inherit)' })),
        ['scope', 'target_id', 'device_types', 'approval']));
      return 0;
    }
    case 'login-policy set': {
      const devices = args.get('--devices');
      const approval = args.get('--approval');
      const r = await cli.call('admin.loginPolicy.set', {
        scope: rest[0], target_id: rest[1],
        device_types: devices === undefined ? undefined : devices === 'inherit' ? null : devices.split(',').map((x) => x.trim()).filter(Boolean),
        approval: approval === undefined ? undefined : approval === 'inherit' ? null : approval,
      });
      cli.print(r, () => `${r.scope} #${r.target_id}: devices ${r.device_types?.join(', ') ?? '(inherit)'}; approval ${r.approval ?? '(inherit)'}`);
      return 0;
    }
    case 'login-policy delete': {
      const r = await cli.call('admin.loginPolicy.delete', { scope: rest[0], target_id: rest[1] });
      cli.print(r, () => (r.deleted ? 'Deleted' : 'There was no rule'));
      return 0;
    }
    case 'approvals list':
    case 'device list': {
      const list = command === 'device list' ? await cli.call('admin.devices.list', { user_id: await cli.userId(rest[0]) }) : await cli.call('admin.deviceApprovals.list');
      cli.print(list, () => cli.table(list.map((d) => ({ ...d, requested: new Date(d.requested_at).toISOString(), last_seen: new Date(d.last_seen_at).toISOString() })),
        ['user_id', 'device_id', 'device_type', 'device_name', 'ip', 'status', 'requested', 'last_seen']));
      return 0;
    }
    case 'approvals decide': {
      if (rest[2] !== 'approve' && rest[2] !== 'refuse') throw new AppError('SB_VALIDATION', 'expected approve or refuse');
      const d = await cli.call('admin.deviceApprovals.decide', { user_id: await cli.userId(rest[0]), device_id: rest[1], approve: rest[2] === 'approve' });
      cli.print(d, () => `${d.device_name} (${d.device_type}) of ${rest[0]}: ${d.status}`);
      return 0;
    }
    case 'device forget': {
      const r = await cli.call('admin.devices.forget', { user_id: await cli.userId(rest[0]), device_id: rest[1] });
      cli.print(r, () => (r.forgotten ? 'Forgotten: its next sign-in is a new device' : 'No such device'));
      return 0;
    }
    default:
      return null;
  }
}
