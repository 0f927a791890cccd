import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../shared/config.js';
import { ApiClient } from '../shared/sdk/api.js';
import type { ConversationView, UserView } from '../shared/protocol/types.js';
import { startRole } from './roles.js';

/**
 * A throwaway all-in-one server with a small organisation and some history,
 * for the screenshots and the web client's measurements.
 */
export interface Demo {
  url: string;
  password: string;
  people: Record<string, UserView & { api: ApiClient }>;
  group: ConversationView;
  direct: ConversationView;
  stop(): Promise<void>;
}

export async function startDemo(overrides: Record<string, unknown> = {}): Promise<Demo> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sb-demo-'));
  const adminPassword = 'demo-admin-password';
  const config = loadConfig({ role: 'all-in-one', env: {}, overrides: { port: 0, host: '127.0.0.1', dataDir, logLevel: 'warn', admin: { account: 'admin', password: adminPassword }, ...overrides } });
  const node = await startRole(config);
  const url = `http://127.0.0.1:${node.port}`;
  const login = async (account: string, password: string) => (await new ApiClient(url).call('auth.login', { account, password, device_type: 'cli' })).token;
  const admin = new ApiClient(url, await login('admin', adminPassword));
  const password = 'demo-password';
  const people: Demo['people'] = {};
  // The organisation directory: every person is a sign-in user; passwords are set by the administrator.
  const dept = async (name: string, parent_id?: number) => (await admin.call('admin.dir.dept.create', { name, parent_id })).id;
  const eng = await dept('Engineering');
  const platform = await dept('Platform', eng);
  const clients = await dept('Clients', eng);
  const operations = await dept('Operations');
  await dept('Finance');
  const staff = [
    ['liwei', 'Li Wei', 'Tech Lead', platform, '13800000001'], ['zhangmin', 'Zhang Min', 'Engineer', platform, '13800000002'],
    ['wangfang', 'Wang Fang', 'Engineer', clients, '13800000003'], ['chenjie', 'Chen Jie', 'Product Manager', eng, '13800000004'],
    ['zhaolei', 'Zhao Lei', 'SRE', operations, '13800000005'], ['sunli', 'Sun Li', 'Operations Manager', operations, '13800000006'],
  ] as const;
  let sort = 0;
  for (const [account, name, title, deptId, mobile] of staff) {
    const person = await admin.call('admin.dir.person.create', {
      account, name, english_name: name, title, mobile, email: `${account}@example.com`, depts: [{ dept_id: deptId, title, sort: ++sort }] });
    await admin.call('admin.users.password', { user_id: person.user_id!, password });
    const user = await admin.call('admin.users.list', { q: account }).then((l) => l.find((u) => u.account === account)!);
    people[account] = { ...user, api: new ApiClient(url, await login(account, password)) };
  }
  // Mobile numbers in Operations are confidential (shown as *** to everyone else).
  await admin.call('admin.dir.policy.set', { target: 'dept', target_id: operations, fields: ['mobile'] });
  const p = people;
  const send = (api: ApiClient, conv: number, text: string) => api.call('msg.send', { conv_id: conv, cmid: `${conv}-${Math.random()}`, body: { text } });
  const direct = await p.liwei!.api.call('conv.direct', { user_id: p.zhangmin!.id });
  const group = await p.liwei!.api.call('conv.group', { title: 'Release 2.4', member_ids: [p.zhangmin!.id, p.wangfang!.id, p.chenjie!.id], cmid: 'demo-group' });
  await p.liwei!.api.call('conv.notice', { conv_id: group.id, notice: 'Code freeze Friday 18:00. Release notes in the shared drive.', cmid: 'demo-notice' });
  const other = await p.wangfang!.api.call('conv.direct', { user_id: p.liwei!.id });
  const ops = await p.chenjie!.api.call('conv.group', { title: 'Ops on-call', member_ids: [p.liwei!.id, p.zhaolei!.id], cmid: 'demo-ops' });
  await p.liwei!.api.call('conv.mute', { conv_id: ops.id, muted: true });
  await send(p.zhangmin!.api, direct.id, 'Morning! Did the build from last night pass?');
  await send(p.liwei!.api, direct.id, 'Yes, all green. I tagged it rc1.');
  await send(p.zhangmin!.api, direct.id, 'Great. Can you share the changelog with the group?');
  await send(p.liwei!.api, direct.id, 'Sure, posting it now.\nThe migration notes are in the second section.');
  await p.zhangmin!.api.call('msg.read', { conv_id: direct.id, seq: 4 });
  await send(p.liwei!.api, group.id, 'rc1 is tagged. Please test your areas today.');
  await send(p.zhangmin!.api, group.id, 'On it: sign-in and sessions.');
  await send(p.wangfang!.api, group.id, 'I will take file uploads and the relay cache.');
  await send(p.chenjie!.api, group.id, 'Directory import looks fine on the staging data.');
  await send(p.liwei!.api, group.id, 'Thanks all. Let us meet at 16:00 to decide.');
  await p.zhangmin!.api.call('msg.read', { conv_id: group.id, seq: 100 }).catch(() => p.zhangmin!.api.call('msg.read', { conv_id: group.id, seq: 7 }));
  await send(p.wangfang!.api, other.id, 'Lunch at 12:30?');
  await send(p.wangfang!.api, other.id, 'The new canteen opened on floor 3.');
  for (let i = 1; i <= 4; i++) await send(p.zhaolei!.api, ops.id, `Disk usage alert on relay-${i} cleared.`);
  return {
    url, password, people, group, direct,
    async stop() { await node.stop(); rmSync(dataDir, { recursive: true, force: true }); },
  };
}
