import t from 'tap';
import Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LoginResult } from '../../shared/protocol/types.js';
import { ApiClient } from '../../shared/sdk/api.js';
import { makeUser, rawSocket, startServer } from '../helpers/server.js';

/**
 * The threat model's stolen device (docs/security.md): whoever holds a device holds its session token. What it
 * cannot do with it, and how its owner ends it from another device.
 */
t.test('a stolen token ends when its owner changes the password on another device', async (t) => {
  const server = await startServer();
  t.teardown(() => server.stop());
  const owner = await makeUser(server, 'Owner');
  const stolen = (await new ApiClient(server.url).callUnchecked<LoginResult>('auth.login', { account: owner.user.account, password: owner.password, device_type: 'mobile' })).token;
  const thief = new ApiClient(server.url, stolen);
  const socket = await rawSocket(server.url);
  socket.ws.send(JSON.stringify({ t: 'auth', token: stolen }));
  await socket.next((f) => f.t === 'ready');
  await thief.call('users.me'); // the relay has the token cached now

  await t.rejects(thief.call('auth.password', { current_password: 'a-guess-at-it', new_password: 'locked-out-owner-1' }), { code: 'SB_BAD_CREDENTIALS' },
    'the token alone cannot change the password');
  await owner.api.call('auth.password', { current_password: owner.password, new_password: 'a-new-password-123' });
  t.equal((await socket.closed).code, 4003, 'the stolen device\'s socket is closed with 4003');
  await t.rejects(thief.call('users.me'), { code: 'SB_UNAUTHENTICATED' }, 'and its token is refused at once');
  t.ok(await owner.api.call('users.me'), 'the device that changed the password stays signed in');
});

t.test('the database keeps no usable token: sessions hold a hash of it', async (t) => {
  const server = await startServer();
  t.teardown(() => server.stop());
  const u = await makeUser(server);
  const db = new Database(join(server.dataDir, 'switchboard.db'), { readonly: true });
  t.teardown(() => db.close());
  const rows = db.prepare('SELECT * FROM sessions WHERE user_id = ?').all(u.user.id) as Record<string, unknown>[];
  t.equal(rows.length, 1);
  t.notOk(JSON.stringify(rows).includes(u.token), 'the token is in no column');
  const files = ['switchboard.db', 'switchboard.db-wal'].map((f) => { try { return readFileSync(join(server.dataDir, f)); } catch { return Buffer.alloc(0); } });
  t.notOk(files.some((b) => b.includes(Buffer.from(u.token))), 'nor anywhere in the database files');
});
