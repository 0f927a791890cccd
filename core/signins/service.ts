import type { Static } from '@sinclair/typebox';
import type { DeviceType } from '../../shared/protocol/types.js';
import type { LoginEventView, OnlinePerson, OnlineSample, OnlineView } from '../../shared/protocol/signins.js';
import type { AdminActor } from '../actor.js';
import type { DirectoryService } from '../directory/service.js';
import type { Clock, Store } from '../ports.js';
import type { PresenceService } from '../presence/service.js';
import type { LoginLogParams, OnlineParams } from './operations.js';

/** How often the online count is sampled for its history (several centrals sample the same instant once). */
export const ONLINE_SAMPLE_MS = 5 * 60_000;
const HOUR = 3_600_000;

/**
 * The login log (登录流水) and the online list (在线列表) for administrators. A scoped administrator sees the
 * sign-ins and the online people of the departments in their scope only, counts included; attempts on accounts
 * that do not exist belong to nobody's department and are for unscoped administrators.
 */
export class SigninsService {
  constructor(
    private readonly store: Store,
    private readonly presence: PresenceService,
    private readonly directory: DirectoryService,
    private readonly clock: Clock,
  ) {}

  async loginLog(actor: AdminActor, p: Static<typeof LoginLogParams>): Promise<LoginEventView[]> {
    const scope = await this.directory.usersInScope(actor.authority?.roots ?? null, p.dept_id);
    let userIds: number[] | null = scope === null ? null : [...scope];
    if (p.user_id !== undefined) userIds = userIds === null || userIds.includes(p.user_id) ? [p.user_id] : [];
    const rows = await this.store.loginLog.list({
      limit: p.limit ?? 100, beforeId: p.before, userIds, account: p.account, result: p.result, since: p.since, until: p.until,
    });
    const names = new Map<number, string>();
    for (const id of new Set(rows.map((r) => r.user_id).filter((id): id is number => id !== null))) {
      const u = await this.store.users.byId(id);
      if (u) names.set(id, u.name);
    }
    return rows.map((r) => ({ ...r, name: r.user_id === null ? null : names.get(r.user_id) ?? null }));
  }

  async online(actor: AdminActor, p: Static<typeof OnlineParams>): Promise<OnlineView> {
    const scope = await this.directory.usersInScope(actor.authority?.roots ?? null, p.dept_id);
    const live = (await this.presence.onlineNow()).filter((e) => scope === null || scope.has(e.user_id));
    const counts = countByDevice(live.map((e) => e.devices));
    const people: OnlinePerson[] = [];
    for (const e of live) {
      const u = await this.store.users.byId(e.user_id);
      if (u) people.push({ user_id: u.id, account: u.account, name: u.name, status: e.status, devices: e.devices });
    }
    people.sort((a, b) => a.name.localeCompare(b.name, 'zh-Hans-CN'));
    const now = this.clock.now();
    // History is organisation-wide: shown only to administrators who see the whole organisation.
    const history = scope === null && p.dept_id === undefined
      ? await this.store.loginLog.onlineSamples({ since: now - (p.hours ?? 24) * HOUR, until: now + 1, limit: 10_000 })
      : [];
    return { at: now, total: live.length, by_device: counts, people: people.slice(0, p.limit ?? 200), history };
  }

  /** One sample of the organisation's online count, at the start of the current sampling interval. */
  async sampleOnline(): Promise<OnlineSample> {
    const live = await this.presence.onlineNow();
    const at = Math.floor(this.clock.now() / ONLINE_SAMPLE_MS) * ONLINE_SAMPLE_MS;
    const sample = { at, total: live.length, by_device: countByDevice(live.map((e) => e.devices)) };
    await this.store.loginLog.sampleOnline(sample);
    return sample;
  }
}

function countByDevice(devices: DeviceType[][]): Partial<Record<DeviceType, number>> {
  const out: Partial<Record<DeviceType, number>> = {};
  for (const list of devices) for (const d of list) out[d] = (out[d] ?? 0) + 1;
  return out;
}
