import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { nkeys } from 'nats';
import { centralPermissions, natsAuthorization, natsUserEntry, relayPermissions } from '../shared/bus/permissions.js';
import { relayIdFrom } from '../shared/subjects.js';

export const BUS_USAGE = `Usage:
  switchboard bus credentials [--central] [--relay ID]… [--out DIR]
      Makes an NKey identity per named node (DIR/central.nk, DIR/relay-ID.nk; kept if they exist) and prints
      the nats-server "authorization" block for all of them. Default DIR: ./nats-credentials`;

export interface Identity { name: string; seedFile: string; publicKey: string; created: boolean }

/** The identity in `file`, made first when there is none (the seed file is readable by its owner only). */
export function ensureIdentity(file: string, name: string): Identity {
  if (existsSync(file)) {
    const seed = readFileSync(file, 'utf8').split('\n').map((l) => l.trim()).find((l) => l.startsWith('SU'));
    if (!seed) throw new Error(`${file} holds no NKey user seed`);
    return { name, seedFile: file, publicKey: nkeys.fromSeed(new TextEncoder().encode(seed)).getPublicKey(), created: false };
  }
  const user = nkeys.createUser();
  writeFileSync(file, `# Switchboard bus identity: ${name}. Secret: give it only to that node.\n${new TextDecoder().decode(user.getSeed())}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return { name, seedFile: file, publicKey: user.getPublicKey(), created: true };
}

/** Identities for central and the given relays under `dir`, and nats-server's authorization block for them. */
export function makeCredentials(dir: string, opts: { central: boolean; relays: string[] }): { identities: Identity[]; config: string } {
  // Every id checked before anything is written: a bad one leaves the directory as it was.
  const bad = opts.relays.find((relay) => relayIdFrom(relay) !== relay);
  if (bad !== undefined) throw new Error(`relay id must be letters, digits, "_" or "-" (at most 64): ${JSON.stringify(bad)}`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const identities: Identity[] = [];
  const entries: string[] = [];
  if (opts.central) {
    const id = ensureIdentity(join(dir, 'central.nk'), 'central');
    identities.push(id);
    entries.push(natsUserEntry(id.publicKey, centralPermissions(), 'central (every central process)'));
  }
  for (const relay of new Set(opts.relays)) {
    const id = ensureIdentity(join(dir, `relay-${relay}.nk`), `relay ${relay}`);
    identities.push(id);
    entries.push(natsUserEntry(id.publicKey, relayPermissions(relay), `relay ${relay} (relay.id "${relay}")`));
  }
  return { identities, config: natsAuthorization(entries) };
}

/** `switchboard bus …`; returns the exit code. */
export function runBus(args: string[]): number {
  const [sub, ...rest] = args;
  if (sub !== 'credentials') {
    process.stdout.write(`${BUS_USAGE}\n`);
    return sub === undefined || sub === 'help' || sub === '--help' ? 0 : 2;
  }
  const relays: string[] = [];
  let central = false;
  let out = 'nats-credentials';
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    if (a === '--central') central = true;
    else if (a === '--relay' && rest[i + 1]) relays.push(rest[++i]!);
    else if (a === '--out' && rest[i + 1]) out = rest[++i]!;
    else { process.stderr.write(`unknown argument: ${a}\n${BUS_USAGE}\n`); return 2; }
  }
  if (!central && relays.length === 0) { process.stderr.write(`name at least one identity (--central, --relay ID)\n${BUS_USAGE}\n`); return 2; }
  const dir = resolve(out);
  const { identities, config } = makeCredentials(dir, { central, relays });
  for (const id of identities) process.stderr.write(`${id.created ? 'created' : 'kept   '} ${id.seedFile}  (${id.name}, ${id.publicKey})\n`);
  process.stdout.write(config);
  return 0;
}
