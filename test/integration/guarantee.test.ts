import t from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiClient } from '../../shared/sdk/api.js';
import type { SwitchboardClient } from '../../shared/sdk/client.js';
import type { ConversationView, DeviceType, MessageView, UserView } from '../../shared/protocol/types.js';
import { client, waitFor } from '../helpers/server.js';
import { exited, freePort, spawnNode } from '../helpers/process.js';
import { readAllHistory } from '../helpers/history.js';
import { prng } from '../helpers/prng.js';

/**
 * The delivery guarantee as a property: many devices send concurrently into
 * one-to-ones and groups while connections drop at random and the server
 * process is killed (SIGKILL) and restarted. Afterwards every device of every
 * member holds exactly the stored messages of each of its conversations, in
 * seq order with no gap, each surfaced exactly once, and every send is stored
 * exactly once.
 */

t.test('no message is lost or duplicated across drops and a server crash', async (t) => {
  const seed = Number(process.env.SWITCHBOARD_SEED ?? Date.now() % 1_000_000);
  t.comment(`seed ${seed} (rerun with SWITCHBOARD_SEED=${seed})`);
  const random = prng(seed);
  const pick = <T>(list: T[]): T => list[Math.floor(random() * list.length)]!;

  const dataDir = mkdtempSync(join(tmpdir(), 'sb-guarantee-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env = { SWITCHBOARD_DATA_DIR: dataDir, SWITCHBOARD_PORT: String(port), SWITCHBOARD_ADMIN_PASSWORD: 'guarantee-admin' };
  let server = await spawnNode('all-in-one', env, `${url}/healthz`);
  t.teardown(() => { server.kill('SIGKILL'); rmSync(dataDir, { recursive: true, force: true }); });

  const admin = new ApiClient(url, (await new ApiClient(url).call('auth.login', { account: 'admin', password: 'guarantee-admin' })).token);
  const users: UserView[] = [];
  for (let i = 0; i < 6; i++) users.push(await admin.call('admin.users.create', { account: `p${i}`, name: `P${i}`, password: 'plain-words-123' }));
  const signIn = async (u: UserView, device: DeviceType) =>
    (await new ApiClient(url).call('auth.login', { account: u.account, password: 'plain-words-123', device_type: device })).token;

  // Users 0 and 1 have two devices each.
  const devices: { user: UserView; token: string; sdk?: SwitchboardClient }[] = [];
  for (const [i, u] of users.entries()) {
    devices.push({ user: u, token: await signIn(u, 'web') });
    if (i < 2) devices.push({ user: u, token: await signIn(u, 'mobile') });
  }
  const apiOf = (u: UserView) => new ApiClient(url, devices.find((d) => d.user.id === u.id)!.token);
  const convs: ConversationView[] = [];
  for (const [a, b] of [[0, 1], [2, 3], [0, 4], [1, 5]] as const) convs.push(await apiOf(users[a]!).call('conv.direct', { user_id: users[b]!.id }));
  convs.push(await apiOf(users[0]!).call('conv.group', { title: 'G1', member_ids: [users[1]!.id, users[2]!.id], cmid: 'g1' }));
  convs.push(await apiOf(users[3]!).call('conv.group', { title: 'G2', member_ids: [users[4]!.id, users[5]!.id, users[0]!.id], cmid: 'g2' }));
  const membersOf = (c: ConversationView) => c.members.map((m) => m.user_id);

  // Every device counts how often each (conversation, seq) surfaces.
  const surfaced = new Map<SwitchboardClient, Map<string, number>>();
  for (const d of devices) {
    d.sdk = client(url, d.token, { reconnectMinMs: 50, reconnectMaxMs: 400 });
    const seen = new Map<string, number>();
    surfaced.set(d.sdk, seen);
    d.sdk.on('message', (m: MessageView) => { const k = `${m.conv_id}:${m.seq}`; seen.set(k, (seen.get(k) ?? 0) + 1); });
  }
  await Promise.all(devices.map((d) => d.sdk!.start()));

  const sends: { cmid: string; convId: number; promise: Promise<MessageView>; acked: boolean }[] = [];
  let n = 0;
  let running = true;
  const senders = devices.map(async (d) => {
    const mine = convs.filter((c) => membersOf(c).includes(d.user.id));
    while (running) {
      const conv = pick(mine);
      const cmid = `c${seed}-${n++}`;
      const entry = { cmid, convId: conv.id, acked: false, promise: d.sdk!.send(conv.id, `${d.user.name} #${n}`, cmid) };
      entry.promise.then(() => { entry.acked = true; }, () => {});
      sends.push(entry);
      await new Promise((r) => setTimeout(r, 15 + random() * 60));
    }
  });
  const dropper = (async () => {
    while (running) {
      await new Promise((r) => setTimeout(r, 150 + random() * 300));
      pick(devices).sdk!.dropConnection();
    }
  })();

  await new Promise((r) => setTimeout(r, 4_000));
  const ackedBeforeCrash = sends.filter((s) => s.acked).map((s) => s.cmid);
  server.kill('SIGKILL');
  await exited(server);
  t.comment(`killed the server with ${ackedBeforeCrash.length} sends acknowledged and ${sends.length - ackedBeforeCrash.length} in flight`);
  await new Promise((r) => setTimeout(r, 300 + random() * 500));
  server = await spawnNode('all-in-one', env, `${url}/healthz`);
  await new Promise((r) => setTimeout(r, 4_000));
  running = false;
  await Promise.all([...senders, dropper]);

  // Every queued send goes through once the devices are back.
  const watchdog = setInterval(() => {
    t.comment(`waiting: ${devices.map((d) => `${d.user.name}:${d.sdk!.connection}/${d.sdk!.pendingCount}`).join(' ')}; unsettled ${sends.filter((s) => !s.acked).length}`);
  }, 5_000);
  t.teardown(() => clearInterval(watchdog));
  const settled = await Promise.allSettled(sends.map((s) => s.promise));
  const rejected = settled.filter((r) => r.status === 'rejected');
  t.equal(rejected.length, 0, 'no send was refused');
  t.ok(sends.length > 200, `a real load: ${sends.length} sends`);

  // Let every device catch up, then compare with what the server stored.
  const stored = new Map<number, MessageView[]>();
  for (const c of convs) {
    const api = apiOf(users.find((u) => u.id === membersOf(c)[0])!);
    stored.set(c.id, await readAllHistory(api, c.id));
  }
  await Promise.all(devices.map((d) => d.sdk!.resync()));
  await waitFor(() => devices.every((d) => convs.filter((c) => membersOf(c).includes(d.user.id))
    .every((c) => d.sdk!.messages(c.id).length === stored.get(c.id)!.length)), 15_000, 'devices catch up').catch(() => {});

  const byCmid = new Map<string, number>();
  for (const list of stored.values()) for (const m of list) byCmid.set(m.cmid, (byCmid.get(m.cmid) ?? 0) + 1);
  t.same(sends.filter((s) => byCmid.get(s.cmid) !== 1).map((s) => s.cmid), [], 'every send is stored exactly once (by cmid)');
  t.same(ackedBeforeCrash.filter((c) => byCmid.get(c) !== 1), [], 'every send acknowledged before the crash survived it');
  for (const [convId, list] of stored) {
    t.same(list.map((m) => m.seq), list.map((_, i) => i + 1), `conversation ${convId}: stored seqs are gap-free`);
  }
  for (const d of devices) {
    const seen = surfaced.get(d.sdk!)!;
    for (const c of convs.filter((x) => membersOf(x).includes(d.user.id))) {
      const want = stored.get(c.id)!;
      const have = d.sdk!.messages(c.id);
      t.same(have.map((m) => [m.seq, m.id]), want.map((m) => [m.seq, m.id]), `${d.user.name}/${d.sdk!.sessionId}: conversation ${c.id} matches the server exactly, in order`);
      const counts = want.filter((m) => m.kind !== 'system' || seen.has(`${c.id}:${m.seq}`)).map((m) => seen.get(`${c.id}:${m.seq}`) ?? 0);
      t.ok(counts.every((x) => x === 1), `${d.user.name}: each message of conversation ${c.id} surfaced exactly once`);
    }
  }
  for (const d of devices) d.sdk!.stop();
});
