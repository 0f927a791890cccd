import type { Test } from 'tap';
import WebSocket from 'ws';
import { ApiClient } from '../../shared/sdk/api.js';
import { SwitchboardClient, type ConnectionState, type WebSocketCtor } from '../../shared/sdk/client.js';
import type { ConversationView, MessageView, UserView } from '../../shared/protocol/types.js';
import { waitFor } from '../helpers/server.js';
import type { Cluster } from './harness.js';
import { readAllHistory } from '../helpers/history.js';
import { prng } from '../helpers/prng.js';

/**
 * Steady traffic over a cluster, and the foundation's exactly-once check at
 * the end: every device of every member holds exactly the stored messages of
 * each of its conversations, in seq order, each surfaced once; every send is
 * stored exactly once; every send acknowledged before a fault survived it.
 */
export interface Device {
  user: UserView;
  home: number;
  sdk: SwitchboardClient;
  seen: Map<string, number>;
  /** When each `conv:seq` first surfaced on this device (by push, ack or catch-up). */
  firstSeenAt: Map<string, number>;
  /** Connection states seen, with the time. */
  states: { at: number; state: ConnectionState }[];
  /** (time acknowledged, send→ack ms) for every send of this device. */
  acks: { at: number; ms: number }[];
  links: { at: number; central: 'up' | 'down' }[];
}

export interface Send { cmid: string; convId: number; device: Device; promise: Promise<MessageView>; acked: boolean; ackedAt: number; message?: MessageView }

let runCounter = 0;


export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! * 10) / 10;
}

export class Traffic {
  devices: Device[] = [];
  convs: ConversationView[] = [];
  sends: Send[] = [];
  private running = false;
  private loops: Promise<void>[] = [];
  private n = 0;
  private readonly random: () => number;

  private constructor(private readonly cluster: Cluster, readonly seed: number, private readonly users: UserView[], private readonly tokens: Map<number, string>) {
    this.random = prng(seed);
  }

  /**
   * `homes[i]` is the relay of user i's device (users listed twice get two
   * devices). Each device knows every relay, its home first.
   */
  static async setup(cluster: Cluster, homes: number[][], seed = Number(process.env.SWITCHBOARD_SEED ?? Date.now() % 1_000_000)): Promise<Traffic> {
    const admin = await cluster.adminApi(0);
    const prefix = `t${process.pid}r${++runCounter}`;
    const users: UserView[] = [];
    for (let i = 0; i < homes.length; i++) users.push(await admin.call('admin.users.create', { account: `${prefix}u${i}`, name: `U${i}`, password: 'plain-words-123' }));
    const tokens = new Map<number, string>();
    const traffic = new Traffic(cluster, seed, users, tokens);
    for (const [i, relays] of homes.entries()) {
      for (const [k, home] of relays.entries()) {
        const url = cluster.relays[home]!.url;
        const login = await new ApiClient(url).call('auth.login', { account: users[i]!.account, password: 'plain-words-123', device_type: k === 0 ? 'web' : 'mobile' });
        if (k === 0) tokens.set(users[i]!.id, login.token);
        const others = cluster.urls.filter((u) => u !== url);
        const sdk = new SwitchboardClient({
          baseUrl: url, fallbackUrls: others, token: login.token, WebSocket: WebSocket as unknown as WebSocketCtor,
          reconnectMinMs: 50, reconnectMaxMs: 500, resyncIntervalMs: 0,
        });
        const d: Device = { user: users[i]!, home, sdk, seen: new Map(), firstSeenAt: new Map(), states: [], acks: [], links: [] };
        sdk.on('message', (m: MessageView) => {
          const key = `${m.conv_id}:${m.seq}`;
          d.seen.set(key, (d.seen.get(key) ?? 0) + 1);
          if (!d.firstSeenAt.has(key)) d.firstSeenAt.set(key, Date.now());
        });
        sdk.on('state', (s) => d.states.push({ at: Date.now(), state: s }));
        sdk.on('link', (c) => d.links.push({ at: Date.now(), central: c }));
        traffic.devices.push(d);
      }
    }
    // Pairs (0,1), (2,3), … plus one ring pair across, and two groups.
    const api = (u: UserView) => new ApiClient(cluster.urls[0]!, tokens.get(u.id)!);
    for (let i = 0; i + 1 < users.length; i += 2) traffic.convs.push(await api(users[i]!).call('conv.direct', { user_id: users[i + 1]!.id }));
    if (users.length >= 4) traffic.convs.push(await api(users[1]!).call('conv.direct', { user_id: users[users.length - 1]!.id }));
    traffic.convs.push(await api(users[0]!).call('conv.group', { title: 'G1', member_ids: users.slice(1, Math.min(4, users.length)).map((u) => u.id), cmid: `${prefix}g1` }));
    if (users.length >= 4) traffic.convs.push(await api(users[users.length - 1]!).call('conv.group', { title: 'G2', member_ids: users.filter((_, j) => j % 2 === 0).map((u) => u.id), cmid: `${prefix}g2` }));
    await Promise.all(traffic.devices.map((d) => d.sdk.start()));
    return traffic;
  }

  membersOf(c: ConversationView): number[] { return c.members.map((m) => m.user_id); }

  /** Each device sends into its conversations every `minMs`–`maxMs`. */
  start(minMs = 80, maxMs = 200): void {
    this.running = true;
    this.loops = this.devices.map(async (d) => {
      const mine = this.convs.filter((c) => this.membersOf(c).includes(d.user.id));
      while (this.running) {
        const conv = mine[Math.floor(this.random() * mine.length)]!;
        const cmid = `c${this.seed}-${++this.n}-${d.user.id}`;
        const t0 = Date.now();
        const entry: Send = { cmid, convId: conv.id, device: d, acked: false, ackedAt: 0, promise: d.sdk.send(conv.id, `${d.user.name} #${this.n}`, cmid) };
        entry.promise.then((m) => { entry.acked = true; entry.ackedAt = Date.now(); entry.message = m; d.acks.push({ at: entry.ackedAt, ms: entry.ackedAt - t0 }); }, () => {});
        this.sends.push(entry);
        await new Promise((r) => setTimeout(r, minMs + this.random() * (maxMs - minMs)));
      }
    });
  }

  async stopSending(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }

  /**
   * Pushes of the sends acknowledged in [from, to): for every other member's device, how long after the ack the
   * message surfaced there, or that it has not (yet). Read before verify(), whose catch-up would hide a lost push.
   */
  pushes(from: number, to: number): { delivered: number; missing: string[]; lateMs: number[] } {
    const out = { delivered: 0, missing: [] as string[], lateMs: [] as number[] };
    for (const s of this.sends) {
      if (!s.acked || !s.message || s.ackedAt < from || s.ackedAt >= to) continue;
      const conv = this.convs.find((c) => c.id === s.convId)!;
      const key = `${s.convId}:${s.message.seq}`;
      for (const d of this.devices) {
        if (d.user.id === s.device.user.id || !this.membersOf(conv).includes(d.user.id)) continue;
        const at = d.firstSeenAt.get(key);
        if (at === undefined) out.missing.push(`${d.user.name}@${d.home} ${key}`);
        else { out.delivered += 1; out.lateMs.push(Math.max(0, at - s.ackedAt)); }
      }
    }
    return out;
  }

  ackedBy(at: number): string[] { return this.sends.filter((s) => s.acked && s.ackedAt <= at).map((s) => s.cmid); }

  /** Send→ack latency of `devices` between two times. */
  latency(devices: Device[], from: number, to: number): { n: number; p50: number; p99: number; max: number } {
    const ms = devices.flatMap((d) => d.acks.filter((a) => a.at >= from && a.at < to).map((a) => a.ms));
    return { n: ms.length, p50: percentile(ms, 50), p99: percentile(ms, 99), max: ms.length ? Math.max(...ms) : 0 };
  }

  /**
   * Stops sending, waits for every queued send, then checks exactly-once
   * against what central stored. `mustSurvive` are cmids acknowledged before a fault.
   */
  async verify(t: Test, mustSurvive: string[] = [], timeoutMs = 30_000): Promise<void> {
    await this.stopSending();
    const watchdog = setInterval(() => {
      t.comment(`waiting: ${this.devices.map((d) => `${d.user.name}@${d.sdk.relayUrl.split(':').pop()}:${d.sdk.connection}/${d.sdk.pendingCount}`).join(' ')}; unsettled ${this.sends.filter((s) => !s.acked).length}`);
    }, 5_000);
    let settled: PromiseSettledResult<MessageView>[];
    let timer: NodeJS.Timeout | undefined;
    try {
      settled = await Promise.race([
        Promise.allSettled(this.sends.map((s) => s.promise)),
        new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error('sends did not settle')), timeoutMs); }),
      ]);
    } finally {
      clearInterval(watchdog);
      clearTimeout(timer);
    }
    const rejected = settled.filter((r) => r.status === 'rejected');
    t.equal(rejected.length, 0, `no send was refused${rejected.length ? `: ${String((rejected[0] as PromiseRejectedResult).reason)}` : ''}`);

    const live = this.cluster.relays.find((r) => r.proc)!.url;
    const stored = new Map<number, MessageView[]>();
    for (const c of this.convs) {
      const api = new ApiClient(live, this.tokens.get(this.membersOf(c)[0]!)!);
      stored.set(c.id, await readAllHistory(api, c.id));
    }
    await Promise.all(this.devices.map((d) => d.sdk.resync().catch(() => {})));
    await waitFor(() => this.devices.every((d) => this.convs.filter((c) => this.membersOf(c).includes(d.user.id))
      .every((c) => d.sdk.messages(c.id).length === stored.get(c.id)!.length)), 15_000, 'devices catch up').catch(() => {});

    const byCmid = new Map<string, number>();
    for (const list of stored.values()) for (const m of list) byCmid.set(m.cmid, (byCmid.get(m.cmid) ?? 0) + 1);
    t.same(this.sends.filter((s) => byCmid.get(s.cmid) !== 1).map((s) => s.cmid), [], `every one of ${this.sends.length} sends is stored exactly once (by cmid)`);
    t.same(mustSurvive.filter((c) => byCmid.get(c) !== 1), [], `every one of ${mustSurvive.length} sends acknowledged before the fault survived it`);
    let gapFree = true;
    for (const list of stored.values()) if (!list.every((m, i) => m.seq === i + 1)) gapFree = false;
    t.ok(gapFree, 'stored seqs are gap-free in every conversation');
    const mismatched: string[] = [];
    const repeated: string[] = [];
    for (const d of this.devices) {
      for (const c of this.convs.filter((x) => this.membersOf(x).includes(d.user.id))) {
        const want = stored.get(c.id)!;
        const have = d.sdk.messages(c.id);
        if (JSON.stringify(have.map((m) => [m.seq, m.id])) !== JSON.stringify(want.map((m) => [m.seq, m.id]))) mismatched.push(`${d.user.name}/${d.sdk.sessionId}: conv ${c.id} has ${have.length} of ${want.length}`);
        const counts = want.filter((m) => m.kind !== 'system' || d.seen.has(`${c.id}:${m.seq}`)).map((m) => d.seen.get(`${c.id}:${m.seq}`) ?? 0);
        if (!counts.every((x) => x === 1)) repeated.push(`${d.user.name}: conv ${c.id}`);
      }
    }
    t.same(mismatched, [], `every one of ${this.devices.length} devices holds exactly the stored messages, in order`);
    t.same(repeated, [], 'every message surfaced exactly once on every device');
  }

  close(): void {
    this.running = false;
    for (const d of this.devices) d.sdk.stop();
  }
}
