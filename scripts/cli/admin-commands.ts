import { flagText, type CliSpec, type FlagSpec } from './args.js';
import { LOGIN_RESULTS } from '../../shared/protocol/signins.js';
import { AUDIT_COMMAND, ROLE_COMMANDS } from './admin-roles.js';
import { ACCOUNT_COMMANDS } from './admin-accounts.js';

/** The admin CLI's commands, their arguments and flags: the one table its checks and help come from. */
const PERSON_FIELDS: FlagSpec[] = [
  { flag: '--english-name', value: 'NAME' }, { flag: '--gender', value: 'male|female' }, { flag: '--phone', value: 'PHONE' },
  { flag: '--employee-no', value: 'NO' }, { flag: '--avatar', value: 'URL' },
].map((f) => ({ ...f, collapse: 'field options' }));
const PERSON_CORE: FlagSpec[] = [
  { flag: '--mobile', value: 'M' }, { flag: '--email', value: 'E' }, { flag: '--title', value: 'T' },
  { flag: '--dept', value: 'ID[:TITLE[:SORT]],...', field: 'depts' },
];
const ORG = { flag: '--org', value: 'N', field: 'org_id' };
const LIMIT = { flag: '--limit', value: 'N' };
/** The CLI finds the user or person by account; the server names the id it was given. */
const USER = { ACCOUNT: 'user_id' };
const PERSON = { ACCOUNT: 'person_id' };

export const ADMIN_CLI: CliSpec = {
  program: 'switchboard admin',
  prefix: 'admin',
  globalFlags: [{ flag: '--json' }, { flag: '--server', value: 'URL' }],
  commands: [
    { name: 'login', flags: [{ flag: '--server', value: 'URL' }, { flag: '--account', value: 'NAME' }, { flag: '--password', value: 'PW' }],
      help: 'sign in and save the session (also SWITCHBOARD_SERVER, SWITCHBOARD_PASSWORD)' },
    { name: 'logout' },
    { name: 'help', help: 'this list; COMMAND --help for one command' },
    { name: 'user add', args: ['ACCOUNT'], flags: [{ flag: '--password', value: 'PW' }, { flag: '--name', value: 'NAME' }, { flag: '--admin', field: 'is_admin' }, { flag: '--must-change', field: 'must_change' }],
      help: 'without --password one is generated and shown once; it must be changed at first sign-in' },
    { name: 'user list', flags: [{ flag: '--q', value: 'TEXT' }, LIMIT] },
    { name: 'user disable', argFields: USER, args: ['ACCOUNT'], help: 'ends all of the user\'s sessions at once' },
    { name: 'user enable', argFields: USER, args: ['ACCOUNT'] },
    { name: 'user passwd', argFields: USER, args: ['ACCOUNT'], flags: [{ flag: '--password', value: 'PW' }, { flag: '--generate' }, { flag: '--must-change', field: 'must_change' }],
      help: '--password, or --generate (shown once, changed at first sign-in); ends their sessions' },
    { name: 'user admin', argFields: USER, args: ['ACCOUNT', 'on|off'] },
    { name: 'group create', flags: [{ flag: '--title', value: 'TITLE', required: true }, { flag: '--owner', value: 'ACCOUNT', field: 'owner_id', required: true },
      { flag: '--members', value: 'A,B,C', field: 'member_ids', required: true }] },
    { name: 'sessions', flags: [{ flag: '--user', value: 'ACCOUNT', field: 'user_id' }] },
    { name: 'session revoke', args: ['SESSION_ID'], help: 'ends the session; the device keeps what it holds (see session wipe)' },
    { name: 'session wipe', args: ['SESSION_ID'], help: 'remote wipe (远程数据抹除): the session ends and the device erases what it keeps, then acknowledges; audited' },
    { name: 'wipes', flags: [{ flag: '--user', value: 'ACCOUNT', field: 'user_id' }, { flag: '--state', value: 'pending|acknowledged' }, LIMIT],
      help: 'wipe orders, newest first, pending or acknowledged' },
    { name: 'device-policy get', help: 'whether a security PIN (安全密码) is required, and the wrong entries after which a client wipes itself' },
    { name: 'device-policy set', flags: [{ flag: '--require-pin', value: 'on|off', field: 'require_pin' }, { flag: '--max-attempts', value: 'N' }],
      help: 'for the whole organisation; audited' },
    AUDIT_COMMAND,
    { name: 'audit verify', help: 'checks the audit log\'s hash chain; exits 1 at the first broken link' },
    { name: 'login-log', flags: [{ flag: '--user', value: 'ACCOUNT', field: 'user_id' }, { flag: '--account', value: 'TYPED' }, { flag: '--dept', value: 'DEPT_ID', field: 'dept_id' },
      { flag: '--result', value: LOGIN_RESULTS.join('|') }, { flag: '--since', value: 'DATE' }, { flag: '--until', value: 'DATE' }, LIMIT, { flag: '--csv' }],
    help: 'every sign-in attempt (登录流水), newest first; dates as 2026-12-01 or 2026-12-01T08:00' },
    { name: 'online', flags: [{ flag: '--dept', value: 'DEPT_ID', field: 'dept_id' }, { flag: '--hours', value: 'N' }, LIMIT, { flag: '--csv' }],
      help: 'who is online now (在线列表) by device type, and the count over the last hours' },
    { name: 'broadcast send', flags: [{ flag: '--title', value: 'TITLE', required: true }, { flag: '--text', value: 'TEXT', required: true },
      { flag: '--all' }, { flag: '--depts', value: 'ID,ID', field: 'dept_ids' }, { flag: '--users', value: 'A,B', field: 'user_ids' }, { flag: '--cmid', value: 'ID' }],
    help: 'to everyone, departments (with those below) or people (accounts); each gets it in their 系统消息' },
    { name: 'broadcast list', flags: [LIMIT], help: 'broadcasts with delivered / read / total' },
    { name: 'message-policy get', help: 'the recall and edit windows, in seconds (0: senders may not)' },
    { name: 'message-policy set', flags: [{ flag: '--recall-window', value: 'SECONDS' }, { flag: '--edit-window', value: 'SECONDS' }],
      help: 'how long after sending a sender may recall or edit (0 turns it off); audited' },

    { name: 'dept list', flags: [ORG], help: 'the department tree with member counts' },
    { name: 'dept add', args: ['NAME'], flags: [{ flag: '--parent', value: 'DEPT_ID', field: 'parent_id' }, ORG, { flag: '--sort', value: 'N' }] },
    { name: 'dept rename', args: ['DEPT_ID', 'NAME'] },
    { name: 'dept move', args: ['DEPT_ID'], flags: [{ flag: '--parent', value: 'DEPT_ID|top', field: 'parent_id', required: true }] },
    { name: 'dept sort', args: ['DEPT_ID', 'N'] },
    { name: 'dept delete', args: ['DEPT_ID'], flags: [{ flag: '--move-to', value: 'DEPT_ID' }], help: 'only when empty, or moving members and sub-departments' },
    { name: 'person add', args: ['ACCOUNT'], flags: [{ flag: '--name', value: 'NAME', required: true }, ...PERSON_CORE, ...PERSON_FIELDS] },
    { name: 'person set', argFields: PERSON, args: ['ACCOUNT'], flags: [{ flag: '--name', value: 'N' }, ...PERSON_CORE, { flag: '--status', value: 'active|disabled|left' }, ...PERSON_FIELDS] },
    { name: 'person show', argFields: PERSON, args: ['ACCOUNT'] },
    { name: 'person delete', argFields: PERSON, args: ['ACCOUNT'] },
    { name: 'person search', args: ['TEXT...'], flags: [LIMIT], help: 'by name, account, pinyin (zhangsan / zs), mobile, email, department' },
    { name: 'org create', args: ['NAME'], help: 'another org structure over the same people' },
    { name: 'org import', args: ['FILE'], flags: [{ flag: '--dry-run', field: 'dry_run' }, { flag: '--format', value: 'csv|xlsx|rtx' }, ORG] },
    { name: 'org export', args: ['FILE'], flags: [{ flag: '--format', value: 'csv|xlsx' }, ORG] },
    { name: 'policy list' },
    { name: 'policy set', argFields: { ID: 'target_id', 'person|dept': 'target' }, args: ['person|dept', 'ID'], flags: [{ flag: '--fields', value: 'mobile,email,...', required: true }], help: 'confidential fields (others see ***)' },
    { name: 'policy delete', args: ['POLICY_ID'] },
    { name: 'filerule list', help: 'file-sending rules (文件发送限制) in my scope' },
    { name: 'filerule set', argFields: { 'org|dept|person': 'scope', ID: 'target_id' }, args: ['org|dept|person', 'ID'],
      flags: [{ flag: '--max-bytes', value: '20MB|inherit' }, { flag: '--allow', value: 'pdf,image/*|any|inherit' }, { flag: '--block', value: 'exe,bat|none|inherit' }],
      help: 'replace the rule: what this org, department or person may send (the most specific rule decides each field)' },
    { name: 'filerule delete', argFields: { 'org|dept|person': 'scope', ID: 'target_id' }, args: ['org|dept|person', 'ID'] },
    { name: 'scope set', argFields: USER, args: ['ACCOUNT'], flags: [{ flag: '--depts', value: 'ID,ID', field: 'dept_ids', required: true }],
      help: 'all of an administrator\'s grants reach only there (empty: everywhere)' },
    ...ROLE_COMMANDS,
    ...ACCOUNT_COMMANDS,
  ],
  footer: `Field options: ${PERSON_FIELDS.map(flagText).join(' ')}.

Options for every command: --json prints JSON; --server URL overrides the saved server; --help shows the command's usage.
Credentials are kept in $SWITCHBOARD_CREDENTIALS or ~/.config/switchboard/credentials.json (mode 600).`,
};
