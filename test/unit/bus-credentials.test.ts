import t from 'tap';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nkeys } from 'nats';
import { centralPermissions, natsUserEntry, relayPermissions } from '../../shared/bus/permissions.js';

/** `switchboard bus credentials` as docs/deploy.md runs it: the real CLI, stdout redirected into a file. */
function run(...args: string[]) {
  const r = spawnSync(process.execPath, ['dist/scripts/switchboard.js', 'bus', 'credentials', ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const publicKeyOf = (file: string) => nkeys.fromSeed(new TextEncoder().encode(readFileSync(file, 'utf8').split('\n').find((l) => l.startsWith('SU'))!.trim())).getPublicKey();

t.test('makes a seed per identity, readable by its owner only, and prints the authorization block', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sb-bus-cred-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const out = join(dir, 'nats', 'credentials');
  const r = run('--central', '--relay', 'branch-1', '--out', out);
  t.equal(r.code, 0, r.err);
  t.same(readdirSync(out).sort(), ['central.nk', 'relay-branch-1.nk']);
  for (const f of ['central.nk', 'relay-branch-1.nk']) t.equal(statSync(join(out, f)).mode & 0o777, 0o600, `${f} is 0600`);
  t.equal(statSync(out).mode & 0o777, 0o700, 'the directory is 0700');
  const central = publicKeyOf(join(out, 'central.nk'));
  const relay = publicKeyOf(join(out, 'relay-branch-1.nk'));
  t.match(central, /^U[A-Z2-7]{55}$/, 'an NKey user');
  t.equal(r.out, [
    'authorization {', '  users = [',
    natsUserEntry(central, centralPermissions(), 'central (every central process)'),
    natsUserEntry(relay, relayPermissions('branch-1'), 'relay branch-1 (relay.id "branch-1")'),
    '  ]', '}', '',
  ].join('\n'), 'stdout is exactly the block, with the permissions of permissions.ts');
  t.match(r.out, '{ nkey: ' + relay + '\n      permissions: { publish: { allow: ["sb.rpc.>"] }, subscribe: { allow: ["_INBOX_relay_branch-1.>", "sb.events.relay.branch-1", "sb.events.all"] } } }');
  // The seeds as written (a pattern could match inside a random public key).
  const seeds = ['central.nk', 'relay-branch-1.nk'].map((f) => readFileSync(join(out, f), 'utf8').split('\n').find((l) => l.startsWith('SU'))!.trim());
  t.ok(seeds.every((seed) => seed.startsWith('SU') && !r.out.includes(seed) && !r.err.includes(seed)), 'no seed is printed');
  t.match(r.err, `created ${join(out, 'central.nk')}  (central, ${central})`);

  const again = run('--central', '--relay', 'branch-1', '--relay', 'branch-2', '--out', out);
  t.equal(again.code, 0, again.err);
  t.equal(publicKeyOf(join(out, 'relay-branch-1.nk')), relay, 'an existing identity is kept');
  t.match(again.err, `kept    ${join(out, 'relay-branch-1.nk')}`);
  t.match(again.err, `created ${join(out, 'relay-branch-2.nk')}`);
  t.ok(again.out.includes(relay) && again.out.includes(central) && again.out.includes(publicKeyOf(join(out, 'relay-branch-2.nk'))), 'the new block holds all three');

  const revoked = run('--central', '--out', out);
  t.notOk(revoked.out.includes(relay), 'a relay left out is not in the block');
});

t.test('a relay id that is not one subject token is refused and nothing is written', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sb-bus-cred-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  for (const bad of ['branch.1', 'a b', 'x>', '*']) {
    const out = join(dir, `out-${bad.length}-${bad.charCodeAt(0)}`);
    const r = run('--central', '--relay', bad, '--out', out);
    t.equal(r.code, 1, `${JSON.stringify(bad)}: exit 1`);
    t.match(r.err, /relay id must be letters, digits/);
    t.equal(r.out, '', 'no block printed');
    t.notOk(existsSync(out), 'no directory, not even central\'s seed');
  }
  const none = run('--out', join(dir, 'none'));
  t.equal(none.code, 2, 'no identity named: usage');
  t.match(none.err, /name at least one identity/);
});

t.test('a damaged seed file is reported, not replaced', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sb-bus-cred-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  t.equal(run('--relay', 'a', '--out', dir).code, 0);
  const file = join(dir, 'relay-a.nk');
  writeFileSync(file, '# emptied by mistake\n');
  const r = run('--relay', 'a', '--out', dir);
  t.equal(r.code, 1);
  t.match(r.err, 'holds no NKey user seed');
  t.equal(readFileSync(file, 'utf8'), '# emptied by mistake\n', 'left as it was');
});
