/**
 * Command-line parsing from one table per program: each command names its
 * arguments and flags once, and both the checks (unknown commands and flags,
 * with a suggestion) and the help text come from that table.
 */
export interface FlagSpec {
  flag: string;
  /** Placeholder of the value ("PW"); absent for an on/off flag. */
  value?: string;
  /** The API field the flag fills, when it is not the flag's name in snake case. */
  field?: string;
  /** Shown without brackets in the help. */
  required?: boolean;
  /** May be given more than once (every value is kept). */
  repeat?: boolean;
  /** Shown in a command's usage as one "[LABEL]" for all flags with this label (explained in the footer). */
  collapse?: string;
}

export interface CommandSpec {
  /** One or two words: "logout", "user add". */
  name: string;
  /** Positional placeholders: "ACCOUNT", "[NAME]" (optional), "TEXT..." (the rest). */
  args?: string[];
  /** The API field a placeholder fills, when it is not the placeholder in lower case (ACCOUNT → user_id). */
  argFields?: Record<string, string>;
  flags?: FlagSpec[];
  /** One line for the help, after the usage. */
  help?: string;
  /** Arguments after the name are another program's (`switchboard admin …`): not checked here. */
  passThrough?: boolean;
}

export interface CliSpec {
  /** How messages and help name the program: "switchboard admin". */
  program: string;
  /** Prefix of command names in messages: "admin" gives "unknown command 'admin usres'". */
  prefix?: string;
  commands: CommandSpec[];
  /** Flags every command accepts (--json, --server). */
  globalFlags?: FlagSpec[];
  /** Text after the command list. */
  footer?: string;
}

/** A wrong command line: exit code 2 and a message that says what to type instead. */
export class UsageError extends Error {
  readonly exitCode = 2;
}

export interface Parsed {
  command: CommandSpec;
  positionals: string[];
  /** --help or -h was given. */
  help: boolean;
  /** The (last) value of a flag, or undefined; an on/off flag given reads as "true". */
  get(flag: string): string | undefined;
  has(flag: string): boolean;
  all(flag: string): string[];
  /** The raw arguments after the command's name (for pass-through commands). */
  rest: string[];
}

/** Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours cost 1. */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/** The candidate closest to `word` if it is close enough to be what was meant (a typo, or a prefix of it). */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  const w = word.toLowerCase();
  const allowed = w.length <= 3 ? 1 : w.length <= 6 ? 2 : 3;
  let best: { c: string; d: number } | undefined;
  for (const c of candidates) {
    const d = editDistance(w, c.toLowerCase());
    if (d <= allowed && (!best || d < best.d)) best = { c, d };
  }
  return best?.c ?? (w.length >= 3 ? candidates.find((c) => c.toLowerCase().startsWith(w)) : undefined);
}

/** "--move-to" fills "move_to" unless the table says otherwise. */
export function fieldOf(f: FlagSpec): string {
  return f.field ?? f.flag.replace(/^--/, '').replace(/-/g, '_');
}

const placeholder = (arg: string) => arg.replace(/^\[|\]$/g, '').replace(/\.\.\.$/, '');

/**
 * Rewrites API field names in a server message into what the user typed for
 * them on this command (`move_to` → `--move-to`, `dept_id` → `DEPT_ID`).
 * Names with an underscore are replaced anywhere; plain words only where a
 * validation message starts with them ("name: must …"), so prose stays prose.
 */
export function spellFields(message: string, command: CommandSpec | undefined, spec?: CliSpec): string {
  if (!command) return message;
  const names = new Map<string, string>();
  for (const a of command.args ?? []) names.set(command.argFields?.[placeholder(a)] ?? placeholder(a).toLowerCase(), placeholder(a));
  for (const f of [...(spec?.globalFlags ?? []), ...(command.flags ?? [])]) names.set(fieldOf(f), f.flag);
  let out = message;
  const lead = /^([a-z][a-z0-9_]*)(\[\d+\])?:/.exec(out);
  if (lead && names.has(lead[1]!)) out = names.get(lead[1]!)! + out.slice(lead[1]!.length);
  for (const [field, spelled] of names) {
    if (field.includes('_')) out = out.replace(new RegExp(`(?<![\\w-])${field}(?![\\w])`, 'g'), spelled);
  }
  return out;
}

/** "--gender male|female", as the usage and the footers show a flag. */
export function flagText(f: FlagSpec): string {
  return `${f.flag}${f.value ? ` ${f.value}` : ''}${f.repeat ? '…' : ''}`;
}

function usageOf(c: CommandSpec): string {
  const flags = (c.flags ?? []).map((f) => (f.collapse ? `[${f.collapse}]` : f.required ? flagText(f) : `[${flagText(f)}]`));
  return [c.name, ...(c.args ?? []), ...new Set(flags)].join(' ');
}

/** The whole help: every command's usage and line, then the footer. */
export function helpText(spec: CliSpec): string {
  const lines = spec.commands.map((c) => [usageOf(c), c.help]);
  const width = Math.min(44, Math.max(...lines.map(([u]) => u!.length)));
  const body = lines.map(([u, h]) => (h ? (u!.length > width ? `  ${u}\n  ${' '.repeat(width)}  ${h}` : `  ${u!.padEnd(width)}  ${h}`) : `  ${u}`));
  return [`Usage: ${spec.program} <command> [options]`, '', ...body, ...(spec.footer ? ['', spec.footer] : [])].join('\n');
}

/** One command's usage, its line and the flags every command takes. */
export function commandHelp(spec: CliSpec, c: CommandSpec): string {
  const global = (spec.globalFlags ?? []).map((f) => `${f.flag}${f.value ? ` ${f.value}` : ''}`);
  return [`Usage: ${spec.program} ${usageOf(c)}`,
    ...(c.help ? [`  ${c.help}`] : []), ...(global.length ? [`Every command also takes: ${global.join(', ')}`] : [])].join('\n');
}

const named = (spec: CliSpec, name: string) => [spec.prefix, name].filter(Boolean).join(' ');

/** Which flags take a value, across every command (so the command can be found before its flags are checked). */
function valueFlags(spec: CliSpec): Set<string> {
  const all = [...(spec.globalFlags ?? []), ...spec.commands.flatMap((c) => c.flags ?? [])];
  return new Set(all.filter((f) => f.value).map((f) => f.flag));
}

function findCommand(spec: CliSpec, words: string[]): { command: CommandSpec; used: number } {
  const [first, second] = words;
  const two = spec.commands.find((c) => c.name === `${first} ${second}`);
  if (two) return { command: two, used: 2 };
  const one = spec.commands.find((c) => c.name === first);
  if (one) return { command: one, used: 1 };
  const groups = [...new Set(spec.commands.filter((c) => c.name.includes(' ')).map((c) => c.name.split(' ')[0]!))];
  const all = spec.commands.map((c) => c.name);
  if (first === undefined) throw new UsageError(`a command is required; run '${spec.program} help' for the list`);
  if (groups.includes(first)) {
    const inGroup = all.filter((n) => n.startsWith(`${first} `));
    if (second === undefined) throw new UsageError(`'${named(spec, first)}' needs one of: ${inGroup.map((n) => n.split(' ')[1]).join(', ')}`);
    const guess = closest(`${first} ${second}`, inGroup);
    throw new UsageError(`unknown command '${named(spec, `${first} ${second}`)}'${guess ? `; did you mean '${named(spec, guess)}'?` : `; '${named(spec, first)}' takes: ${inGroup.map((n) => n.split(' ')[1]).join(', ')}`}`);
  }
  const tried = second !== undefined && groups.includes(closest(first, groups) ?? '') ? `${first} ${second}` : first;
  const guess = closest(tried, tried.includes(' ') ? all : [...all.filter((n) => !n.includes(' ')), ...groups]);
  throw new UsageError(`unknown command '${named(spec, tried)}'${guess ? `; did you mean '${named(spec, guess)}'?` : `; run '${spec.program} help' for the list`}`);
}

/** Parses `argv` against the table; throws UsageError for anything the table does not allow. */
export function parseArgs(argv: string[], spec: CliSpec): Parsed {
  const takesValue = valueFlags(spec);
  const words: string[] = [];
  const wordAt: number[] = [];
  const given: { flag: string; value: string | undefined; index: number }[] = [];
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--help' || a === '-h') { help = true; continue; }
    if (!a.startsWith('--') || a === '--') {
      words.push(a);
      wordAt.push(i);
      // What follows a pass-through command is the other program's to read.
      if (words.length === 1 && spec.commands.some((c) => c.passThrough && c.name === a)) break;
      continue;
    }
    const eq = a.indexOf('=');
    const flag = eq > 0 ? a.slice(0, eq) : a;
    let value = eq > 0 ? a.slice(eq + 1) : undefined;
    if (value === undefined && takesValue.has(flag)) {
      const next = argv[i + 1];
      if (next === undefined || takesValue.has(next) || next === '--help') throw new UsageError(`${flag} needs a value (${flag}=VALUE when it starts with --)`);
      value = next;
      i++;
    }
    given.push({ flag, value, index: i });
  }
  // Nothing but options (or nothing at all) asks for the help.
  if (words.length === 0 && spec.commands.some((c) => c.name === 'help')) words.push('help');
  const { command, used } = findCommand(spec, words);
  if (command.passThrough) {
    const at = wordAt[used - 1];
    const early = given.find((g) => at === undefined || g.index < at);
    if (at === undefined || early) throw new UsageError(`${early?.flag ?? 'an option'} goes after '${named(spec, command.name)}'`);
    return { command, positionals: [], help: false, rest: argv.slice(at + 1), get: () => undefined, has: () => false, all: () => [] };
  }
  const allowed = [...(spec.globalFlags ?? []), ...(command.flags ?? [])];
  const values = new Map<string, string[]>();
  for (const g of given) {
    const f = allowed.find((x) => x.flag === g.flag);
    if (!f) {
      const guess = closest(g.flag.slice(2), allowed.map((x) => x.flag.slice(2)));
      throw new UsageError(`unknown flag ${g.flag}${guess ? `; did you mean --${guess}?` : ` for '${named(spec, command.name)}'${allowed.length ? `; it takes ${allowed.map((x) => x.flag).join(', ')}` : ''}`}`);
    }
    if (!f.value && g.value !== undefined) throw new UsageError(`${f.flag} takes no value`);
    values.set(f.flag, [...(f.repeat ? values.get(f.flag) ?? [] : []), g.value ?? 'true']);
  }
  const positionals = words.slice(used);
  const args = command.args ?? [];
  const rest = args.some((a) => a.endsWith('...'));
  const min = args.filter((a) => !a.startsWith('[')).length;
  if (!help && !rest && positionals.length > args.length) {
    throw new UsageError(`unexpected argument '${positionals[args.length]}' for '${named(spec, command.name)}'; usage: ${spec.program} ${usageOf(command)}`);
  }
  if (!help && positionals.length < min) throw new UsageError(`'${named(spec, command.name)}' needs ${placeholder(args[positionals.length]!)}; usage: ${spec.program} ${usageOf(command)}`);
  return {
    command, positionals, help, rest: [],
    get: (flag) => values.get(flag)?.at(-1),
    has: (flag) => values.has(flag),
    all: (flag) => values.get(flag) ?? [],
  };
}
