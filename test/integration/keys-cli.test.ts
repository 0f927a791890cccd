import t from 'tap';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import type Database from 'better-sqlite3';
import { runKeys } from '../../scripts/keys.js';
import { startRole } from '../../scripts/roles.js';
import { loadConfig } from '../../shared/config.js';
import { ADMIN_PASSWORD, connectedPair, startServer } from '../helpers/server.js';

const key = () => randomBytes(32).toString('base64');

t.test('switchboard keys: rotate a conversation key and rewrap under a new master while the node runs', async (t) => {
  const k1 = key();
  const k2 = key();
  const server = await startServer({ atRest: { enabled: true, masterKey: k1, masterKeyFile: null } });
  const dataDir = server.dataDir;
  let running = server.node;
  t.teardown(async () => { await running.stop(); rmSync(dataDir, { recursive: true, force: true }); });
  const { bob, a } = await connectedPair(t, server);
  const group = await a.createGroup('Keys', [bob.user.id]);
  await a.send(group.id, 'before the rotation');

  const env = { SWITCHBOARD_DATA_DIR: dataDir, SWITCHBOARD_MASTER_KEY: `${k1},${k2}`, SWITCHBOARD_LOG_LEVEL: 'silent' };
  const cli = async (cmd: 'keys rewrap' | 'keys rotate', conv?: number, over: Record<string, string> = {}) => {
    const lines: string[] = [];
    const code = await runKeys(cmd, { conv: conv === undefined ? undefined : String(conv) }, (l) => lines.push(l), { ...env, ...over });
    return { code, out: lines.join('\n') };
  };
  t.match(await cli('keys rotate'), { code: 2, out: /--conv ID is required/ });
  t.match(await cli('keys rotate', group.id), { code: 0, out: /data key version 2/ });
  const rewrap = await cli('keys rewrap');
  t.match(rewrap, { code: 0, out: /every data key is under the current master key/ });
  t.match(rewrap.out, /rewrapped [1-9]\d* data keys/);

  // The node kept running on the keys it had: sending and reading still work.
  await a.send(group.id, 'during the rotation');
  t.same((await bob.api.call('msg.history', { conv_id: group.id, limit: 10 })).messages.map((m) => (m.body as { text?: string }).text).slice(-2),
    ['before the rotation', 'during the rotation']);

  // Restarted with only the new master: everything reads; new messages use the conversation's version 2.
  await running.stop();
  running = await startRole(loadConfig({
    role: 'all-in-one', env: {},
    overrides: { port: 0, host: '127.0.0.1', dataDir, logLevel: 'warn', admin: { account: 'admin', password: ADMIN_PASSWORD }, atRest: { enabled: true, masterKey: k2, masterKeyFile: null } },
  }));
  const store = running.central!.store;
  const sent = await store.conversations.append({ convId: group.id, senderId: bob.user.id, cmid: 'after-1', kind: 'text', body: '{"text":"after the rotation"}', at: Date.now(), requireMember: true });
  const raw = (store as unknown as { db: Database.Database }).db.prepare('SELECT body FROM messages WHERE conv_id = ? AND seq = ?').get(group.id, sent.message.seq) as { body: string };
  t.ok(raw.body.startsWith('sbe1:2:'), 'sealed under the new conversation key');
  t.same((await store.conversations.history(group.id, { afterSeq: 0, limit: 10 })).map((m) => JSON.parse(m.body).text).filter(Boolean),
    ['before the rotation', 'during the rotation', 'after the rotation'], 'old and new messages read with only the new master');

  t.match(await cli('keys rewrap', undefined, { SWITCHBOARD_MASTER_KEY: k2 }), { code: 0, out: /rewrapped 0 data keys/ });
  t.match(await cli('keys rewrap', undefined, { SWITCHBOARD_MASTER_KEY: key() }), { code: 1, out: /under a master key that was not given/ });
});
