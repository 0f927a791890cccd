import t from 'tap';
import { closest, commandHelp, editDistance, helpText, parseArgs, spellFields, UsageError, type CliSpec } from '../../scripts/cli/args.js';
import { ADMIN_CLI } from '../../scripts/cli/admin-commands.js';

const usage = (argv: string[], spec: CliSpec = ADMIN_CLI): string => {
  try {
    parseArgs(argv, spec);
  } catch (e) {
    if (e instanceof UsageError) { t.equal(e.exitCode, 2, 'a usage error exits 2'); return e.message; }
    throw e;
  }
  throw new Error(`${argv.join(' ')} was accepted`);
};

t.test('edit distance counts insertions, deletions, substitutions and neighbour swaps', async (t) => {
  t.equal(editDistance('moveto', 'move-to'), 1);
  t.equal(editDistance('usres', 'users'), 1, 'a swap costs one');
  t.equal(editDistance('', 'abc'), 3);
  t.equal(editDistance('kitten', 'sitting'), 3);
  t.equal(editDistance('same', 'same'), 0);
});

t.test('a suggestion only when the word is close, or a prefix', async (t) => {
  t.equal(closest('moveto', ['move-to', 'json', 'server']), 'move-to');
  t.equal(closest('LST', ['list', 'add']), 'list', 'case does not matter');
  t.equal(closest('frobnicate', ['user', 'dept', 'audit']), undefined, 'nothing close: no guess');
  t.equal(closest('emp', ['employee-no', 'email']), 'employee-no', 'a prefix of three letters or more');
  t.equal(closest('js', ['jsx', 'css']), 'jsx', 'a short word one letter off');
  t.equal(closest('x', ['xy-long']), undefined, 'a short word far off');
});

t.test('unknown commands are refused with the nearest command', async (t) => {
  t.equal(usage(['usres', 'list']), "unknown command 'admin usres list'; did you mean 'admin user list'?");
  t.equal(usage(['user', 'lst']), "unknown command 'admin user lst'; did you mean 'admin user list'?");
  t.equal(usage(['usres']), "unknown command 'admin usres'; did you mean 'admin user'?");
  t.match(usage(['frobnicate']), /^unknown command 'admin frobnicate'; run 'switchboard admin help'/);
  t.match(usage(['user']), /^'admin user' needs one of: add, list, disable/);
  t.match(usage(['sessions', 'extra']), /^unexpected argument 'extra' for 'admin sessions'; usage: switchboard admin sessions \[--user ACCOUNT\]/);
  t.match(usage(['dept', 'delete']), /^'admin dept delete' needs DEPT_ID/);
});

t.test('unknown flags are refused with the nearest flag of that command', async (t) => {
  t.equal(usage(['dept', 'delete', '3', '--moveto', '4']), 'unknown flag --moveto; did you mean --move-to?');
  t.equal(usage(['user', 'add', 'zs', '--pasword', 'x']), 'unknown flag --pasword; did you mean --password?');
  t.equal(usage(['user', 'list', '--jsn']), 'unknown flag --jsn; did you mean --json?', 'the flags every command takes count too');
  t.match(usage(['user', 'list', '--move-to', '3']), /^unknown flag --move-to for 'admin user list'; it takes --json, --server, --q, --limit/,
    "another command's flag is still unknown here");
  t.equal(usage(['user', 'add', 'zs', '--password']), '--password needs a value (--password=VALUE when it starts with --)');
  t.equal(usage(['user', 'list', '--json=yes']), '--json takes no value');
});

t.test('a valid command line gives the command, its arguments and its flags', async (t) => {
  const p = parseArgs(['dept', 'delete', '12', '--move-to', '3', '--json'], ADMIN_CLI);
  t.equal(p.command.name, 'dept delete');
  t.same(p.positionals, ['12']);
  t.equal(p.get('--move-to'), '3');
  t.ok(p.has('--json'));
  t.notOk(p.has('--server'));
  t.equal(parseArgs(['user', 'add', 'zs', '--password=--starts-with-dashes'], ADMIN_CLI).get('--password'), '--starts-with-dashes', '--flag=value');
  t.same(parseArgs(['person', 'search', 'zhang', 'san'], ADMIN_CLI).positionals, ['zhang', 'san'], 'TEXT... takes the rest');
  t.equal(parseArgs(['--json', 'user', 'list'], ADMIN_CLI).command.name, 'user list', 'flags may come first');
  t.equal(parseArgs([], ADMIN_CLI).command.name, 'help', 'nothing at all is the help');
  t.ok(parseArgs(['dept', 'delete', '--help'], ADMIN_CLI).help, '--help needs no arguments');
});

t.test('repeatable flags and pass-through commands', async (t) => {
  const spec: CliSpec = {
    program: 'tool',
    commands: [
      { name: 'bus credentials', flags: [{ flag: '--relay', value: 'ID', repeat: true }, { flag: '--out', value: 'DIR' }] },
      { name: 'admin', passThrough: true },
    ],
  };
  const p = parseArgs(['bus', 'credentials', '--relay', 'a', '--relay', 'b', '--out', 'x', '--out', 'y'], spec);
  t.same(p.all('--relay'), ['a', 'b'], 'every value of a repeatable flag');
  t.equal(p.get('--out'), 'y', 'the last value of any other');
  t.same(parseArgs(['admin', 'dept', 'delete', '--anything', '--goes'], spec).rest, ['dept', 'delete', '--anything', '--goes'], 'another program reads the rest');
  t.equal(usage(['--out', 'x', 'admin'], spec), "--out goes after 'admin'");
  t.equal(usage(['bus', 'credentails'], spec), "unknown command 'bus credentails'; did you mean 'bus credentials'?");
});

t.test('messages name flags as spelled on the command line, not as API fields', async (t) => {
  const del = ADMIN_CLI.commands.find((c) => c.name === 'dept delete')!;
  t.equal(spellFields('The department has 1 sub-departments and 0 members; pass move_to', del, ADMIN_CLI),
    'The department has 1 sub-departments and 0 members; pass --move-to');
  t.equal(spellFields('move_to: must be at least 1', del, ADMIN_CLI), '--move-to: must be at least 1');
  t.equal(spellFields('dept_id: must be an integer', del, ADMIN_CLI), 'DEPT_ID: must be an integer');
  const group = ADMIN_CLI.commands.find((c) => c.name === 'group create')!;
  t.equal(spellFields('member_ids[2]: must be at least 1', group, ADMIN_CLI), '--members[2]: must be at least 1');
  const add = ADMIN_CLI.commands.find((c) => c.name === 'user add')!;
  t.equal(spellFields('account: has an invalid format', add, ADMIN_CLI), 'ACCOUNT: has an invalid format');
  t.equal(spellFields('No user with account zhangsan', add, ADMIN_CLI), 'No user with account zhangsan', 'plain words in prose stay');
});

t.test('the admin table: flags are consistent, help and usage come from it, and no flag is spelled with an underscore', async (t) => {
  const kinds = new Map<string, boolean>();
  for (const f of [...ADMIN_CLI.globalFlags!, ...ADMIN_CLI.commands.flatMap((c) => c.flags ?? [])]) {
    t.equal(kinds.get(f.flag) ?? Boolean(f.value), Boolean(f.value), `${f.flag} takes a value everywhere or nowhere`);
    kinds.set(f.flag, Boolean(f.value));
    t.notMatch(f.flag, /_/, `${f.flag} is spelled with hyphens`);
  }
  const help = helpText(ADMIN_CLI);
  for (const c of ADMIN_CLI.commands) t.match(help, `  ${c.name}`, `help lists ${c.name}`);
  t.match(help, 'dept delete DEPT_ID [--move-to DEPT_ID]');
  t.notMatch(help, /--[a-z]+_[a-z]/, 'no underscore in any flag of the help');
  t.match(commandHelp(ADMIN_CLI, ADMIN_CLI.commands.find((c) => c.name === 'user add')!), /^Usage: switchboard admin user add ACCOUNT \[--password PW\] \[--name NAME\] \[--admin\] \[--must-change\]/);
});

t.test('an account the CLI resolves reads as ACCOUNT in the server\'s messages about the id', async (t) => {
  const disable = ADMIN_CLI.commands.find((c) => c.name === 'user disable')!;
  t.equal(spellFields('user_id: administrators cannot disable themselves', disable, ADMIN_CLI), 'ACCOUNT: administrators cannot disable themselves');
  const policy = ADMIN_CLI.commands.find((c) => c.name === 'policy set')!;
  t.equal(spellFields('target_id: must be an integer', policy, ADMIN_CLI), 'ID: must be an integer');
  const show = ADMIN_CLI.commands.find((c) => c.name === 'person show')!;
  t.equal(spellFields('person_id: must be at least 1', show, ADMIN_CLI), 'ACCOUNT: must be at least 1');
});
