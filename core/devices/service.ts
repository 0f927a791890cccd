import type { Static } from '@sinclair/typebox';
import { AppError } from '../../shared/errors.js';
import { hashPassword, hashToken, verifyPassword } from '../../shared/crypto.js';
import type { DevicePolicy, PinStatus, WipeReason, WipeView } from '../../shared/protocol/devices.js';
import type { Actor, AdminActor } from '../actor.js';
import type { AuthService, ResolvedSession } from '../auth/service.js';
import type { DirectoryService } from '../directory/service.js';
import type { Clock, EventSink, SessionRecord, Store, WipeRecord } from '../ports.js';
import type { RateLimiter } from '../rate-limit.js';
import type { AdminWipesParams, PinChangeParams, PolicyParams } from './operations.js';

/** PIN checks per person per minute (verify, and the current PIN when changing or clearing it). */
export const PIN_CHECKS_PER_MINUTE = 10;
/** Wrong PINs counted against one session over this window before the server wipes it. */
const PIN_FAILURE_WINDOW_MS = 3_600_000;

export function wipeView(w: WipeRecord): WipeView {
  return { ...w, state: w.acked_at === null ? 'pending' : 'acknowledged' };
}

/**
 * Remote wipe (远程数据抹除) and the security PIN (安全密码). A wipe order ends the session in the same transaction
 * and outlives it: the ended session's token is refused everywhere with SB_WIPED (the order, nothing else), and
 * the only thing it can still do is acknowledge that order. The PIN is kept as a slow hash; the client checks it
 * on open and wipes itself after the policy's number of wrong entries.
 */
export class DevicesService {
  constructor(
    private readonly store: Store,
    private readonly auth: AuthService,
    private readonly events: EventSink,
    private readonly limiter: RateLimiter,
    private readonly clock: Clock,
    private readonly directory: DirectoryService,
  ) {}

  /** The session of a token, as AuthService.resolve; a session ended by a pending wipe order answers SB_WIPED with its id. */
  async resolve(token: unknown): Promise<ResolvedSession> {
    try {
      return await this.auth.resolve(token);
    } catch (e) {
      if (!(e instanceof AppError) || e.code !== 'SB_UNAUTHENTICATED' || typeof token !== 'string' || token.length < 16 || token.length > 128) throw e;
      const wipe = await this.store.devices.wipeByTokenHash(hashToken(token));
      if (wipe && wipe.acked_at === null) throw new AppError('SB_WIPED', undefined, { wipe_id: wipe.id });
      throw e;
    }
  }

  /** The person wipes one of their own devices. Someone else's session, an ended one and an unknown id are SB_NOT_FOUND alike. */
  async wipeMine(actor: Actor, sessionId: string): Promise<WipeView> {
    const s = await this.store.sessions.byId(sessionId);
    if (!s || s.user_id !== actor.userId || !this.active(s)) throw new AppError('SB_NOT_FOUND', 'No such active session of yours');
    return this.order(actor, s.id, 'self');
  }

  /** An administrator wipes a device of someone in their scope (the gate checked the scope). */
  async wipeAsAdmin(actor: AdminActor, sessionId: string): Promise<WipeView> {
    const s = await this.store.sessions.byId(sessionId);
    if (!s || !this.active(s)) throw new AppError('SB_NOT_FOUND', 'No such active session');
    return this.order(actor, s.id, 'admin');
  }

  /**
   * Acknowledges the wipe order of the session whose token was presented: only that token can, and only its own
   * order. Answers nothing but that it was recorded. An unknown token, another session's order, or none: SB_NOT_FOUND.
   */
  async ack(token: string | null, wipeId: number): Promise<{ acknowledged: true }> {
    if (token === null || token.length < 16 || token.length > 128) throw new AppError('SB_UNAUTHENTICATED');
    const wipe = await this.store.devices.wipeByTokenHash(hashToken(token));
    if (!wipe || wipe.id !== wipeId) throw new AppError('SB_NOT_FOUND', 'No such wipe order for this device');
    const r = await this.store.devices.ackWipe(wipe.id, this.clock.now());
    if (!r) throw new AppError('SB_NOT_FOUND', 'No such wipe order for this device');
    if (r.changed) {
      await this.audit(r.wipe.user_id, 'device.wipe_ack', `session:${r.wipe.session_id}`, { wipe_id: r.wipe.id, user_id: r.wipe.user_id });
      this.events.emit({ type: 'device.wipe', wipe: wipeView(r.wipe) }, [r.wipe.user_id]);
    }
    return { acknowledged: true };
  }

  async myWipes(actor: Actor): Promise<WipeView[]> {
    return (await this.store.devices.listWipes({ userIds: [actor.userId], limit: 200 })).map(wipeView);
  }

  /** Wipe orders of the people in the administrator's scope, newest first. */
  async adminWipes(actor: AdminActor, p: Static<typeof AdminWipesParams>): Promise<WipeView[]> {
    const scope = await this.directory.usersInScope(actor.authority?.roots ?? null, undefined);
    let userIds: number[] | null = scope === null ? null : [...scope];
    if (p.user_id !== undefined) userIds = userIds === null || userIds.includes(p.user_id) ? [p.user_id] : [];
    return (await this.store.devices.listWipes({ userIds, state: p.state, beforeId: p.before, limit: p.limit ?? 100 })).map(wipeView);
  }

  async pinStatus(actor: Actor): Promise<PinStatus> {
    const [pin, policy] = [await this.store.devices.pin(actor.userId), await this.store.devices.policy()];
    return { set: pin !== null, set_at: pin?.set_at ?? null, required: policy.require_pin, max_attempts: policy.max_attempts };
  }

  /** Sets or changes my PIN; changing one needs the current PIN (checked under the PIN rate limit). */
  async setPin(actor: Actor, p: Static<typeof PinChangeParams>): Promise<PinStatus> {
    const current = await this.store.devices.pin(actor.userId);
    if (current) await this.checkCurrent(actor, current.pin_hash, p.current_pin);
    await this.store.devices.setPin(actor.userId, await hashPassword(p.pin), this.clock.now());
    return this.pinStatus(actor);
  }

  /** Removes my PIN (the current one is needed); refused while the device policy requires one. */
  async clearPin(actor: Actor, currentPin: string): Promise<PinStatus> {
    if ((await this.store.devices.policy()).require_pin) throw new AppError('SB_FORBIDDEN', 'The device policy requires a PIN');
    const current = await this.store.devices.pin(actor.userId);
    if (!current) throw new AppError('SB_NOT_FOUND', 'No PIN is set');
    await this.checkCurrent(actor, current.pin_hash, currentPin);
    await this.store.devices.clearPin(actor.userId);
    return this.pinStatus(actor);
  }

  /**
   * Checks a PIN for this device, limited per person. Wrong ones count against the session; when they reach the
   * policy's number, the server orders this device wiped and answers SB_WIPED, as a client that counts would.
   */
  async verifyPin(actor: Actor, pin: string): Promise<{ ok: boolean }> {
    await this.limiter.check(`pin-check:${actor.userId}`, PIN_CHECKS_PER_MINUTE, 60_000);
    const current = await this.store.devices.pin(actor.userId);
    if (!current) throw new AppError('SB_NOT_FOUND', 'No PIN is set');
    if (await verifyPassword(pin, current.pin_hash)) return { ok: true };
    const failures = await this.limiter.incr(`pin-fail:${actor.sessionId}`, PIN_FAILURE_WINDOW_MS);
    if (failures >= (await this.store.devices.policy()).max_attempts) {
      const wipe = await this.order(actor, actor.sessionId, 'pin');
      throw new AppError('SB_WIPED', 'Too many wrong PINs: this device is wiped', { wipe_id: wipe.id });
    }
    return { ok: false };
  }

  /** The client counted the policy's number of wrong PINs and wipes itself: this session ends with an order to acknowledge. */
  async pinWipe(actor: Actor): Promise<WipeView> {
    return this.order(actor, actor.sessionId, 'pin');
  }

  async policy(): Promise<DevicePolicy> {
    return this.store.devices.policy();
  }

  async setPolicy(actor: AdminActor, p: Static<typeof PolicyParams>): Promise<DevicePolicy> {
    const cur = await this.store.devices.policy();
    const next = { require_pin: p.require_pin ?? cur.require_pin, max_attempts: p.max_attempts ?? cur.max_attempts };
    const policy = await this.store.devices.setPolicy(next, this.clock.now(), actor.userId);
    await this.audit(actor.userId, 'device_policy.set', 'device_policy', next);
    return policy;
  }

  private active(s: SessionRecord): boolean {
    return s.revoked_at === null && s.expires_at > this.clock.now();
  }

  /** One transaction records the order and ends the session; then its tokens are forgotten and its sockets closed (4010). */
  private async order(actor: Actor, sessionId: string, reason: WipeReason): Promise<WipeView> {
    const r = await this.store.devices.orderWipe({ sessionId, orderedBy: actor.userId, reason, at: this.clock.now() });
    if (!r) throw new AppError('SB_NOT_FOUND', 'No such active session');
    if (r.ended) await this.auth.sessionsEnded([r.ended], 'wiped');
    const view = wipeView(r.wipe);
    if (r.created) {
      await this.audit(actor.userId, 'device.wipe', `session:${sessionId}`, { wipe_id: r.wipe.id, user_id: r.wipe.user_id, reason });
      this.events.emit({ type: 'device.wipe', wipe: view }, [r.wipe.user_id]);
    }
    return view;
  }

  private async checkCurrent(actor: Actor, hash: string, pin: string | undefined): Promise<void> {
    if (pin === undefined) throw new AppError('SB_VALIDATION', 'current_pin: required to change a PIN', { field: 'current_pin' });
    await this.limiter.check(`pin-check:${actor.userId}`, PIN_CHECKS_PER_MINUTE, 60_000);
    if (!(await verifyPassword(pin, hash))) throw new AppError('SB_BAD_CREDENTIALS', 'The current PIN is wrong');
  }

  private async audit(actorId: number, action: string, target: string, details: unknown): Promise<void> {
    await this.store.audit.append({ actor_id: actorId, action, target, details, at: this.clock.now() });
  }
}
