#!/usr/bin/env node
import { loadConfig, type Role } from '../shared/config.js';
import { runAdmin } from './admin-cli.js';
import { runBus } from './bus-credentials.js';
import { runKeys } from './keys.js';
import { startRole } from './roles.js';
import { commandHelp, helpText, parseArgs, UsageError, type CliSpec, type Parsed } from './cli/args.js';

const CONFIG = { flag: '--config', value: 'FILE' };
const PORT = { flag: '--port', value: 'N' };

/** The top-level commands: the one table their checks and the usage come from. */
const SWITCHBOARD_CLI: CliSpec = {
  program: 'switchboard',
  commands: [
    { name: 'all-in-one', flags: [CONFIG, PORT], help: 'central + relay in one process (SQLite, in-process bus)' },
    { name: 'central', flags: [CONFIG], help: 'central only (store, domain, bus handlers)' },
    { name: 'relay', flags: [CONFIG, PORT], help: 'relay only (client connections, reaches central over NATS)' },
    { name: 'admin', args: ['...'], passThrough: true, help: "administration (run 'switchboard admin help')" },
    { name: 'bus credentials', flags: [{ flag: '--central' }, { flag: '--relay', value: 'ID', repeat: true }, { flag: '--out', value: 'DIR' }],
      help: 'NATS identities and the nats-server permissions for them (docs/deploy.md)' },
    { name: 'keys rewrap', flags: [CONFIG], help: 'encryption at rest: rewrap every data key under the newest master key, online (docs/deploy.md)' },
    { name: 'keys rotate', flags: [CONFIG, { flag: '--conv', value: 'ID' }], help: 'encryption at rest: a new data key for a conversation; new messages use it' },
    { name: 'help', help: 'this list; COMMAND --help for one command' },
  ],
};

async function runRole(role: Role, args: Parsed): Promise<void> {
  const port = args.get('--port');
  const config = loadConfig({ role, file: args.get('--config'), overrides: port ? { port: Number(port) } : undefined });
  const node = await startRole(config);
  if (node.port !== null) node.log.info(`Switchboard ${role} ready on ${config.tls ? 'https' : 'http'}://localhost:${node.port}/`);
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    node.log.info({ signal }, 'shutting down');
    // Acknowledged writes are already committed; stop() drains the write queue and closes cleanly.
    node.stop().then(() => process.exit(0), (e: unknown) => { node.log.error({ err: e }, 'shutdown failed'); process.exit(1); });
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  let args: Parsed;
  try {
    args = parseArgs(argv, SWITCHBOARD_CLI);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`switchboard: ${e.message}\n`);
    process.exitCode = e.exitCode;
    return;
  }
  const cmd = args.command.name;
  if (args.help || cmd === 'help') {
    process.stdout.write(`${cmd === 'help' ? helpText(SWITCHBOARD_CLI) : commandHelp(SWITCHBOARD_CLI, args.command)}\n`);
    return;
  }
  switch (cmd) {
    case 'all-in-one':
    case 'central':
    case 'relay':
      await runRole(cmd, args);
      return;
    case 'admin':
      process.exitCode = await runAdmin(args.rest);
      return;
    case 'keys rewrap':
    case 'keys rotate':
      process.exitCode = await runKeys(cmd, { config: args.get('--config'), conv: args.get('--conv') }, (line) => process.stdout.write(`${line}\n`));
      return;
    case 'bus credentials':
      process.exitCode = runBus(argv.slice(argv.indexOf('bus') + 1));
      return;
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`switchboard: ${(e as Error).message}\n`);
  process.exit(1);
});
