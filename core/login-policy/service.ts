import { AppError } from '../../shared/errors.js';
import { DEVICE_TYPE_VALUES } from '../../shared/protocol/schemas.js';
import type { DeviceType } from '../../shared/protocol/types.js';
import type { Actor, AdminActor } from '../actor.js';
import { ruleScope, type DirectoryAccess } from '../files/rules.js';
import type { Clock, EventSink, FileRuleScope, Store, UserRecord } from '../ports.js';
import type { LoginRuleRecord, TrustedDeviceRecord } from './ports.js';

/** What decides one person's sign-in. */
export interface EffectiveLoginPolicy {
  device_types: DeviceType[];
  approval: 'none' | 'new_device';
}

/** The device a sign-in comes from, as the attempt describes it. */
export interface SigningDevice {
  device_id: string;
  device_type: DeviceType;
  device_name: string;
  ip: string | null;
}

/** How long a request for approval waits (and the sign-in ticket that polls it lives). */
export const APPROVAL_WAIT_MS = 10 * 60_000;
const ALL_TYPES = [...DEVICE_TYPE_VALUES];

/**
 * 登录授权: administrators limit the device types people sign in from and can require approval of a first sign-in on
 * a new device, per organisation, department or person. For each of the two the most specific rule that sets it
 * decides (the person's own, else the nearest department above each membership, else the organisations); with
 * several memberships every deciding rule applies (types: those all allow; approval: if any asks). The super
 * administrator is not held by these rules, so no rule can lock everybody out.
 */
export class LoginPolicyService {
  constructor(private readonly store: Store, private readonly dir: DirectoryAccess, private readonly events: EventSink, private readonly clock: Clock) {}

  async effective(user: Pick<UserRecord, 'id' | 'is_super'>): Promise<EffectiveLoginPolicy> {
    if (user.is_super) return { device_types: ALL_TYPES, approval: 'none' };
    const [m, rules] = await Promise.all([this.dir.current(), this.store.loginPolicy.listRules()]);
    if (rules.length === 0) return { device_types: ALL_TYPES, approval: 'none' };
    const byKey = new Map(rules.map((r) => [`${r.scope}:${r.target_id}`, r]));
    const personId = m.byUser.get(user.id);
    const person = personId === undefined ? undefined : m.people.get(personId);
    const own = personId === undefined ? undefined : byKey.get(`person:${personId}`);
    const chains = (person?.depts ?? []).map((d) => m.ancestors(d.dept_id));
    const inOrgs = [...new Set((person?.depts ?? []).map((d) => m.depts.get(d.dept_id)?.org_id).filter((o): o is number => o !== undefined))];
    // Someone in no department yet (just added, or a plain account) is held by every organisation's rule.
    const orgs = inOrgs.length ? inOrgs : [...m.orgs.keys()];
    const decide = <F extends 'device_types' | 'approval'>(f: F): NonNullable<LoginRuleRecord[F]>[] => {
      const set = (r: LoginRuleRecord | undefined): r is LoginRuleRecord => r !== undefined && r[f] !== null;
      if (set(own)) return [own[f]!];
      const depts = chains.map((chain) => chain.map((id) => byKey.get(`dept:${id}`)).find(set)).filter(set);
      if (depts.length) return depts.map((r) => r[f]!);
      return orgs.map((id) => byKey.get(`org:${id}`)).filter(set).map((r) => r[f]!);
    };
    const types = decide('device_types').reduce<DeviceType[]>((acc, list) => acc.filter((t) => list.includes(t)), ALL_TYPES);
    return { device_types: types, approval: decide('approval').includes('new_device') ? 'new_device' : 'none' };
  }

  /** Refuses a sign-in from a device type the rules do not allow (SB_DEVICE_NOT_ALLOWED). */
  async checkType(user: UserRecord, type: DeviceType): Promise<EffectiveLoginPolicy> {
    const policy = await this.effective(user);
    if (!policy.device_types.includes(type)) {
      throw new AppError('SB_DEVICE_NOT_ALLOWED', `Signing in from this kind of device (${type}) is not allowed for this account`, { device_type: type, allowed: policy.device_types });
    }
    return policy;
  }

  /** Whether this device must wait for approval before a session is made. */
  async needsApproval(policy: EffectiveLoginPolicy, userId: number, deviceId: string): Promise<boolean> {
    if (policy.approval === 'none') return false;
    return (await this.store.loginPolicy.device(userId, deviceId))?.status !== 'approved';
  }

  /** Records (or renews) a request to approve this device and tells the person's signed-in devices. */
  async request(userId: number, d: SigningDevice): Promise<TrustedDeviceRecord> {
    const now = this.clock.now();
    const rec: TrustedDeviceRecord = { user_id: userId, ...d, status: 'pending', requested_at: now, decided_at: null, decided_by: null, last_seen_at: now };
    await this.store.loginPolicy.putDevice(rec);
    this.events.emit({ type: 'device.approval', device: rec }, [userId]);
    return rec;
  }

  /** A request's state, for the sign-in that waits on it (null: expired or forgotten). */
  async status(userId: number, deviceId: string): Promise<TrustedDeviceRecord | null> {
    const d = await this.store.loginPolicy.device(userId, deviceId);
    if (!d || (d.status === 'pending' && d.requested_at < this.clock.now() - APPROVAL_WAIT_MS)) return null;
    return d;
  }

  /** A session was made from this device: it is known from now on (approved by the policy when nobody had to). */
  async seen(userId: number, d: SigningDevice): Promise<void> {
    const now = this.clock.now();
    const known = await this.store.loginPolicy.device(userId, d.device_id);
    if (known?.status === 'approved') await this.store.loginPolicy.putDevice({ ...known, ...d, last_seen_at: now });
    else await this.store.loginPolicy.putDevice({ user_id: userId, ...d, status: 'approved', requested_at: now, decided_at: now, decided_by: null, last_seen_at: now });
  }

  // ---- the person, from a device already signed in

  async mine(actor: Actor): Promise<EffectiveLoginPolicy> {
    const user = await this.store.users.byId(actor.userId);
    return this.effective({ id: actor.userId, is_super: user?.is_super ?? false });
  }

  async myPending(actor: Actor): Promise<TrustedDeviceRecord[]> {
    return this.store.loginPolicy.pending({ since: this.clock.now() - APPROVAL_WAIT_MS, userId: actor.userId, limit: 50 });
  }

  async decideMine(actor: Actor, p: { device_id: string; approve: boolean }): Promise<TrustedDeviceRecord> {
    return this.decide(actor, actor.userId, p.device_id, p.approve, 'self');
  }

  // ---- administrators (permission devices / security, in scope: the gate checked)

  async pendingInScope(actor: AdminActor): Promise<TrustedDeviceRecord[]> {
    const all = await this.store.loginPolicy.pending({ since: this.clock.now() - APPROVAL_WAIT_MS, limit: 1000 });
    const out: TrustedDeviceRecord[] = [];
    for (const d of all) if (await this.dir.scopeCovers(actor.authority?.roots ?? null, { userIds: [d.user_id] })) out.push(d);
    return out;
  }

  async decideAsAdmin(actor: Actor, p: { user_id: number; device_id: string; approve: boolean }): Promise<TrustedDeviceRecord> {
    return this.decide(actor, p.user_id, p.device_id, p.approve, 'admin');
  }

  async devicesOf(_actor: Actor, p: { user_id: number }): Promise<TrustedDeviceRecord[]> {
    return this.store.loginPolicy.devicesOf(p.user_id);
  }

  /** Forgets a device: its next sign-in is a new device again (sessions already made are ended separately). */
  async forget(actor: Actor, p: { user_id: number; device_id: string }): Promise<{ forgotten: boolean }> {
    const forgotten = await this.store.loginPolicy.forget(p.user_id, p.device_id);
    if (forgotten) await this.audit(actor, 'device.forget', `user:${p.user_id}`, { device_id: p.device_id });
    return { forgotten };
  }

  private async decide(actor: Actor, userId: number, deviceId: string, approve: boolean, by: 'self' | 'admin'): Promise<TrustedDeviceRecord> {
    const current = await this.status(userId, deviceId);
    if (!current || current.status !== 'pending') throw new AppError('SB_NOT_FOUND', 'No sign-in is waiting for approval on that device');
    const decided = await this.store.loginPolicy.decide(userId, deviceId, approve ? 'approved' : 'denied', actor.userId, this.clock.now());
    if (!decided) throw new AppError('SB_NOT_FOUND', 'No sign-in is waiting for approval on that device');
    await this.audit(actor, approve ? 'device.approve' : 'device.deny', `user:${userId}`, { device_id: deviceId, device_type: decided.device_type, device_name: decided.device_name, ip: decided.ip, by });
    this.events.emit({ type: 'device.approval', device: decided }, [userId]);
    return decided;
  }

  // ---- the rules

  async rules(actor: AdminActor): Promise<LoginRuleRecord[]> {
    const shown: LoginRuleRecord[] = [];
    for (const r of await this.store.loginPolicy.listRules()) if (await this.dir.scopeCovers(actor.authority?.roots ?? null, ruleScope(r))) shown.push(r);
    return shown;
  }

  async setRule(actor: Actor, p: { scope: FileRuleScope; target_id: number; device_types?: DeviceType[] | null; approval?: 'none' | 'new_device' | null }): Promise<LoginRuleRecord> {
    const m = await this.dir.current();
    const exists = p.scope === 'org' ? m.orgs.has(p.target_id) : p.scope === 'dept' ? m.depts.has(p.target_id) : m.people.has(p.target_id);
    if (!exists) throw new AppError('SB_NOT_FOUND', `No such ${p.scope === 'dept' ? 'department' : p.scope === 'org' ? 'organisation' : 'person'}`);
    const rule = await this.store.loginPolicy.putRule({
      scope: p.scope, target_id: p.target_id, device_types: p.device_types ? ALL_TYPES.filter((t) => p.device_types!.includes(t)) : null,
      approval: p.approval ?? null, updated_by: actor.userId, updated_at: this.clock.now(),
    });
    await this.audit(actor, 'login.policy.set', `${p.scope}:${p.target_id}`, { device_types: rule.device_types, approval: rule.approval });
    return rule;
  }

  async removeRule(actor: Actor, p: { scope: FileRuleScope; target_id: number }): Promise<{ deleted: boolean }> {
    const deleted = await this.store.loginPolicy.removeRule(p.scope, p.target_id);
    if (deleted) await this.audit(actor, 'login.policy.delete', `${p.scope}:${p.target_id}`, {});
    return { deleted };
  }

  private async audit(actor: Actor, action: string, target: string, details: unknown): Promise<void> {
    await this.store.audit.append({ actor_id: actor.userId, action, target, details, at: this.clock.now() });
  }
}
