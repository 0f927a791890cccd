import t from 'tap';
import { randomBytes } from 'node:crypto';
import { client, makeUser, startServer } from '../helpers/server.js';
import type { FileBody } from '../../shared/protocol/types.js';

/**
 * Finding: a member removed from a group could still download its files for 5 minutes (24 h while central was
 * unreachable) through the relay's grant cache. Now removing a member, leaving, or ending all of a person's
 * sessions (disable, password reset) drops that person's grants at every relay the moment it commits.
 */
const server = await startServer();
t.teardown(() => server.stop());
const owner = await makeUser(server, 'Owner');
const sdk = client(server.url, owner.token);
t.teardown(() => sdk.stop());
await sdk.start();

async function groupWithFile(members: { user: { id: number } }[]) {
  const conv = await owner.api.call('conv.group', { title: 'Plans', member_ids: members.map((m) => m.user.id), cmid: `g-${Math.random()}` });
  const msg = await sdk.sendFile(conv.id, 'plan.pdf', 'application/pdf', randomBytes(2_000));
  return { conv, fileId: (msg.body as FileBody).file.id };
}

t.test('removed from the group: the next download is refused at once', async (t) => {
  const member = await makeUser(server, 'Member');
  const { conv, fileId } = await groupWithFile([member]);
  t.ok((await member.api.download(fileId)).length > 0, 'a member downloads the file (and the relay caches the grant)');
  await owner.api.call('conv.removeMember', { conv_id: conv.id, user_id: member.user.id });
  await new Promise((r) => setTimeout(r, 50));
  await t.rejects(member.api.download(fileId), { code: 'SB_NOT_FOUND' }, 'refused right after removal, not after 5 minutes');
});

t.test('left the group: refused at once', async (t) => {
  const member = await makeUser(server, 'Leaver');
  const { conv, fileId } = await groupWithFile([member]);
  await member.api.download(fileId);
  await member.api.call('conv.leave', { conv_id: conv.id });
  await new Promise((r) => setTimeout(r, 50));
  await t.rejects(member.api.download(fileId), { code: 'SB_NOT_FOUND' }, 'refused right after leaving');
});

t.test('disabled: refused at once, and the grant is gone (not only the token)', async (t) => {
  const member = await makeUser(server, 'Disabled');
  const { fileId } = await groupWithFile([member]);
  await member.api.download(fileId);
  await server.admin.call('admin.users.disable', { user_id: member.user.id });
  await new Promise((r) => setTimeout(r, 50));
  await t.rejects(member.api.download(fileId), { code: /SB_UNAUTHENTICATED|SB_TOKEN_EXPIRED|SB_SESSION_ENDED/ }, 'refused right after disabling');
});

t.test('the people who keep access are not affected', async (t) => {
  const stays = await makeUser(server, 'Stays');
  const goes = await makeUser(server, 'Goes');
  const { conv, fileId } = await groupWithFile([stays, goes]);
  await stays.api.download(fileId);
  await owner.api.call('conv.removeMember', { conv_id: conv.id, user_id: goes.user.id });
  t.ok((await stays.api.download(fileId)).length > 0, 'a remaining member still downloads');
});
