import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { loadConfig, type Config } from '../../shared/config.js';
import { startRole, type Running } from '../../scripts/roles.js';
import { SwitchboardClient, type WebSocketCtor } from '../../shared/sdk/client.js';
import { ApiClient } from '../../shared/sdk/api.js';
import type { DeviceType, UserView } from '../../shared/protocol/types.js';

export const ADMIN_PASSWORD = 'admin-password-for-tests';

export interface TestServer {
  url: string;
  port: number;
  node: Running;
  config: Config;
  dataDir: string;
  admin: ApiClient;
  stop(): Promise<void>;
}

/** A real all-in-one node (uWS + SQLite) on a free port with its own data directory. */
export async function startServer(overrides: Record<string, unknown> = {}): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sb-test-'));
  const config = loadConfig({
    role: 'all-in-one',
    env: {},
    overrides: { port: 0, host: '127.0.0.1', dataDir, logLevel: 'warn', admin: { account: 'admin', password: ADMIN_PASSWORD }, ...overrides },
  });
  const node = await startRole(config).catch((e: unknown) => { rmSync(dataDir, { recursive: true, force: true }); throw e; });
  const url = `http://127.0.0.1:${node.port}`;
  const login = await new ApiClient(url).call('auth.login', { account: 'admin', password: ADMIN_PASSWORD, device_type: 'cli' });
  return {
    url, port: node.port!, node, config, dataDir,
    admin: new ApiClient(url, login.token),
    async stop() {
      await node.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

let counter = 0;

/** Creates a user through the admin API and signs them in. */
export async function makeUser(server: { url: string; admin: ApiClient }, name?: string): Promise<{ user: UserView; token: string; api: ApiClient; password: string }> {
  const account = `u${process.pid}x${++counter}`;
  const password = 'plain-words-123';
  const user = await server.admin.call('admin.users.create', { account, name: name ?? account, password });
  const login = await new ApiClient(server.url).call('auth.login', { account, password, device_type: 'web' });
  return { user, token: login.token, api: new ApiClient(server.url, login.token), password };
}

export async function signIn(url: string, account: string, password: string, deviceType: DeviceType = 'web'): Promise<string> {
  const r = await new ApiClient(url).call('auth.login', { account, password, device_type: deviceType });
  return r.token;
}

/** Alice and Bob on `server`, each signed in and connected through the SDK; both stop at teardown. */
export async function connectedPair(t: { teardown(fn: () => unknown): void }, server: { url: string; admin: ApiClient }) {
  const alice = await makeUser(server, 'Alice');
  const bob = await makeUser(server, 'Bob');
  const a = client(server.url, alice.token);
  const b = client(server.url, bob.token);
  t.teardown(() => { a.stop(); b.stop(); });
  await Promise.all([a.start(), b.start()]);
  return { alice, bob, a, b };
}

export function client(url: string, token: string, opts: Partial<ConstructorParameters<typeof SwitchboardClient>[0]> = {}): SwitchboardClient {
  return new SwitchboardClient({ baseUrl: url, token, WebSocket: WebSocket as unknown as WebSocketCtor, reconnectMinMs: 50, reconnectMaxMs: 500, resyncIntervalMs: 0, ...opts });
}

/** Polls until `check` returns true or the time runs out. */
export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 5_000, what = 'condition'): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A raw WebSocket for protocol-level tests: collects every frame. */
export async function rawSocket(url: string): Promise<{ ws: WebSocket; frames: any[]; next: (pred?: (f: any) => boolean, ms?: number) => Promise<any>; closed: Promise<{ code: number; reason: string }> }> {
  const ws = new WebSocket(url.replace(/^http/, 'ws') + '/ws');
  const frames: any[] = [];
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  ws.on('message', (data) => frames.push(JSON.parse(data.toString())));
  await new Promise<void>((resolve, reject) => { ws.once('open', () => resolve()); ws.once('error', reject); });
  let cursor = 0;
  const next = async (pred: (f: any) => boolean = () => true, ms = 3_000) => {
    const until = Date.now() + ms;
    for (;;) {
      while (cursor < frames.length) { const f = frames[cursor++]; if (pred(f)) return f; }
      if (Date.now() > until) throw new Error('no matching frame');
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  return { ws, frames, next, closed };
}
