#!/usr/bin/env node
import { loadConfig, type Role } from '../shared/config.js';
import { runAdmin } from './admin-cli.js';
import { runBus } from './bus-credentials.js';
import { startRole } from './roles.js';

const USAGE = `Usage:
  switchboard all-in-one [--config FILE] [--port N]   central + relay in one process (SQLite, in-process bus)
  switchboard central    [--config FILE]              central only (store, domain, bus handlers)
  switchboard relay      [--config FILE] [--port N]   relay only (client connections, reaches central over NATS)
  switchboard admin ...                               administration (run 'switchboard admin help')
  switchboard bus credentials --central --relay ID    NATS identities and the nats-server permissions for them (docs/deploy.md)`;

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

async function runRole(role: Role, args: string[]): Promise<void> {
  const port = flag(args, '--port');
  const config = loadConfig({ role, file: flag(args, '--config'), overrides: port ? { port: Number(port) } : undefined });
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
  const [cmd, ...args] = process.argv.slice(2);
  switch (cmd) {
    case 'all-in-one':
    case 'central':
    case 'relay':
      await runRole(cmd, args);
      return;
    case 'admin':
      process.exitCode = await runAdmin(args);
      return;
    case 'bus':
      process.exitCode = runBus(args);
      return;
    default:
      process.stdout.write(`${USAGE}\n`);
      process.exitCode = cmd === undefined || cmd === 'help' || cmd === '--help' ? 0 : 2;
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`switchboard: ${(e as Error).message}\n`);
  process.exit(1);
});
