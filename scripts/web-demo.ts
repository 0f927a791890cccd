import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../shared/config.js';
import { ApiClient } from '../shared/sdk/api.js';
import type { ConversationView, LoginResult, UserView } from '../shared/protocol/types.js';
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
  const login = async (account: string, password: string) => (await new ApiClient(url).call<LoginResult>('auth.login', { account, password, device_type: 'cli' })).token;
  const admin = new ApiClient(url, await login('admin', adminPassword));
  const password = 'demo-password';
  const people: Demo['people'] = {};
  for (const [account, name] of [['liwei', 'Li Wei'], ['zhangmin', 'Zhang Min'], ['wangfang', 'Wang Fang'], ['chenjie', 'Chen Jie'], ['zhaolei', 'Zhao Lei'], ['sunli', 'Sun Li']] as const) {
    const user = await admin.call<UserView>('admin.users.create', { account, name, password });
    people[account] = { ...user, api: new ApiClient(url, await login(account, password)) };
  }
  const p = people;
  const send = (api: ApiClient, conv: number, text: string) => api.call('msg.send', { conv_id: conv, cmid: `${conv}-${Math.random()}`, body: { text } });
  const direct = await p.liwei!.api.call<ConversationView>('conv.direct', { user_id: p.zhangmin!.id });
  const group = await p.liwei!.api.call<ConversationView>('conv.group', { title: 'Release 2.4', member_ids: [p.zhangmin!.id, p.wangfang!.id, p.chenjie!.id], cmid: 'demo-group' });
  await p.liwei!.api.call('conv.notice', { conv_id: group.id, notice: 'Code freeze Friday 18:00. Release notes in the shared drive.', cmid: 'demo-notice' });
  const other = await p.wangfang!.api.call<ConversationView>('conv.direct', { user_id: p.liwei!.id });
  const ops = await p.chenjie!.api.call<ConversationView>('conv.group', { title: 'Ops on-call', member_ids: [p.liwei!.id, p.zhaolei!.id], cmid: 'demo-ops' });
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
