import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, nkeyAuthenticator, type ConnectionOptions, type NatsConnection } from 'nats';
import { makeCredentials, type Identity } from '../../scripts/bus-credentials.js';
import { waitPort } from '../../scripts/bench/common.js';
import { freePort } from './process.js';

export const NATS_BIN = process.env.SWITCHBOARD_NATS_SERVER ?? '/usr/sbin/nats-server';

export function natsServerAvailable(): boolean {
  return spawnSync(NATS_BIN, ['--version']).status === 0;
}

/**
 * A nats-server of the test's own (free port, temp directory) whose users are bus identities: central and the
 * named relays, made by `switchboard bus credentials` and confined by shared/bus/permissions.ts.
 */
export interface SecureNats {
  url: string;
  port: number;
  dir: string;
  /** By name: "central", or a relay id. */
  identities: Record<string, Identity>;
  /** The `SU…` seed of an identity, for a raw nats.js connection. */
  seed(name: string): Uint8Array;
  /** A raw nats.js connection as that identity (closed at cleanup). */
  connectAs(name: string, opts?: Partial<ConnectionOptions>): Promise<NatsConnection>;
  /** Rewrites the server's configuration for only these identities and reloads it (revocation). */
  keepOnly(names: string[]): Promise<void>;
  output(): string;
  cleanup(): Promise<void>;
}

const confFor = (port: number, authorization: string) => `listen: 127.0.0.1:${port}\n${authorization}`;

export async function secureNats(relays: string[]): Promise<SecureNats> {
  const dir = mkdtempSync(join(tmpdir(), 'sb-nats-secure-'));
  const port = await freePort();
  const made = makeCredentials(join(dir, 'credentials'), { central: true, relays });
  const identities: Record<string, Identity> = {};
  for (const id of made.identities) identities[id.name.replace(/^relay /, '')] = id;
  const conf = join(dir, 'nats.conf');
  writeFileSync(conf, confFor(port, made.config));
  let out = '';
  const child: ChildProcess = spawn(NATS_BIN, ['-c', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr!.on('data', (d: Buffer) => { out += d.toString(); });
  const connections: NatsConnection[] = [];
  const seed = (name: string) => {
    const id = identities[name];
    if (!id) throw new Error(`no identity ${name}`);
    return new TextEncoder().encode(readFileSync(id.seedFile, 'utf8').split('\n').find((l) => l.startsWith('SU'))!.trim());
  };
  const s: SecureNats = {
    url: `nats://127.0.0.1:${port}`, port, dir, identities, seed,
    async connectAs(name, opts = {}) {
      const nc = await connect({ servers: s.url, authenticator: nkeyAuthenticator(seed(name)), maxReconnectAttempts: 0, ...opts });
      connections.push(nc);
      return nc;
    },
    async keepOnly(names) {
      const kept = makeCredentials(join(dir, 'credentials'), { central: names.includes('central'), relays: relays.filter((r) => names.includes(r)) });
      writeFileSync(conf, confFor(port, kept.config));
      const before = out.length;
      child.kill('SIGHUP'); // nats-server reloads its configuration on SIGHUP
      const until = Date.now() + 5_000;
      while (!out.slice(before).includes('Reloaded server configuration')) {
        if (Date.now() > until) throw new Error(`nats-server did not reload: ${out.slice(before)}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    output: () => out,
    async cleanup() {
      await Promise.all(connections.map((nc) => (nc.isClosed() ? undefined : nc.close())));
      if (child.exitCode === null) await new Promise((r) => { child.once('exit', r); child.kill('SIGKILL'); });
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    await waitPort(port);
  } catch (e) {
    await s.cleanup();
    throw new Error(`${(e as Error).message}: ${out}`);
  }
  return s;
}
