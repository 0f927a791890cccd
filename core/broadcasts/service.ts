import { AppError } from '../../shared/errors.js';
import { randomId } from '../../shared/ids.js';
import { createLogger } from '../../shared/log.js';
import type { BroadcastBody, BroadcastTarget, BroadcastView, ConversationShared, FileBody } from '../../shared/protocol/types.js';
import type { Actor, AdminActor } from '../actor.js';
import type { DirectoryService } from '../directory/service.js';
import type { FilesService } from '../files/service.js';
import type { BroadcastDelivery, BroadcastRecord, Clock, EventSink, Store } from '../ports.js';
import { messageView } from '../presenters.js';

const log = createLogger('broadcasts');

/** The stored title of a new system conversation (clients show their own text for kind 'system'). */
export const SYSTEM_TITLE = '系统消息';
/** Recipients per delivery batch, and the cap on a batch's bytes of message bodies (MySQL's packet, SQLite's lock). */
export const BATCH_RECIPIENTS = 500;
const BATCH_BODY_BYTES = 1_000_000;
/** A broadcast to at most this many people is fully delivered before send answers; a larger one continues in the background. */
export const INLINE_RECIPIENTS = 2000;
const RETRY_MAX_MS = 30_000;

export interface BroadcastSendParams {
  title: string;
  text: string;
  file_id?: number;
  all?: boolean;
  dept_ids?: number[];
  user_ids?: number[];
  cmid?: string;
}

/**
 * Broadcasts (广播消息, docs/broadcasts.md). An administrator names everyone, departments (with everything
 * below them) or people; the policy gate has checked that their scope covers what they named. The recipients
 * are resolved here, at send time, and stored with the broadcast: that is the acknowledgement. Delivery then
 * runs in batches, each one transaction that appends a 'broadcast' message to each recipient's system
 * conversation (系统消息, created on first use) and moves the broadcast's cursor; the events of a batch go out
 * after it committed, and anyone offline finds the message on their next sync like any other. A crash between
 * batches loses nothing: the cursor says where to go on, and `resume()` (at central's start) goes on.
 */
export class BroadcastService {
  private readonly running = new Map<number, Promise<void>>();
  private stopped = false;

  constructor(
    private readonly store: Store,
    private readonly directory: DirectoryService,
    private readonly files: FilesService,
    private readonly events: EventSink,
    private readonly clock: Clock,
    private readonly limits: { maxTextChars: number },
  ) {}

  async send(actor: Actor, p: BroadcastSendParams): Promise<BroadcastView> {
    const title = p.title.trim();
    const text = p.text.trim();
    if (!title) throw new AppError('SB_VALIDATION', 'title: must not be blank', { field: 'title' });
    if (!text) throw new AppError('SB_VALIDATION', 'text: must not be blank', { field: 'text' });
    if (text.length > this.limits.maxTextChars) throw new AppError('SB_VALIDATION', `text: must have at most ${this.limits.maxTextChars} characters`, { field: 'text' });
    const target = targetOf(p);
    const cmid = p.cmid ?? randomId(12);
    // A retry with the same cmid gets the broadcast it already made, whatever it names this time.
    const prior = await this.store.broadcasts.byCmid(actor.userId, cmid);
    if (prior) return this.view(prior);
    let file: FileBody['file'] | null = null;
    if (p.file_id !== undefined) {
      const f = await this.files.forMessage(actor.userId, p.file_id);
      file = { id: f.id, name: f.name, size: f.size, mime: f.mime, sha256: f.sha256 };
    }
    const recipients = await this.resolve(target);
    if (recipients.length === 0) throw new AppError('SB_VALIDATION', 'Nobody to send to: the target holds no enabled user');
    const { broadcast, created } = await this.store.broadcasts.create({
      senderId: actor.userId, cmid, title, text, file: file && JSON.stringify(file), target: JSON.stringify(target), recipients, at: this.clock.now(),
    });
    if (created) {
      await this.store.audit.append({
        actor_id: actor.userId, action: 'broadcast.send', target: `broadcast:${broadcast.id}`,
        details: { title, target, total: broadcast.total, ...(file ? { file_id: file.id } : {}) }, at: this.clock.now(),
      });
    }
    const run = this.deliver(broadcast.id);
    if (broadcast.total <= INLINE_RECIPIENTS) await run;
    return this.view((await this.store.broadcasts.get(broadcast.id))!);
  }

  /** Unscoped administrators see every broadcast; a scoped one sees their own. */
  async list(actor: AdminActor, p: { before?: number; limit?: number }): Promise<BroadcastView[]> {
    const senderId = wholeReach(actor) ? undefined : actor.userId;
    const rows = await this.store.broadcasts.list({ senderId, beforeId: p.before, limit: p.limit ?? 50 });
    return Promise.all(rows.map((r) => this.view(r)));
  }

  async get(actor: AdminActor, p: { broadcast_id: number }): Promise<BroadcastView> {
    const b = await this.store.broadcasts.get(p.broadcast_id);
    if (!b || (b.sender_id !== actor.userId && !wholeReach(actor))) {
      throw new AppError('SB_NOT_FOUND', 'No such broadcast');
    }
    return this.view(b);
  }

  /** Goes on with every broadcast whose fan-out had not finished (central's start; safe on several centrals at once). */
  async resume(): Promise<void> {
    for (const id of await this.store.broadcasts.unfinished()) void this.deliver(id);
  }

  /** Stops starting new batches (a batch in flight completes); for shutdown. */
  stop(): void {
    this.stopped = true;
  }

  /** Delivers what is left of one broadcast; one run per broadcast per process, retried with backoff on failure. */
  deliver(id: number): Promise<void> {
    let run = this.running.get(id);
    if (!run) {
      run = this.fanOut(id).finally(() => this.running.delete(id));
      this.running.set(id, run);
    }
    return run;
  }

  private async fanOut(id: number): Promise<void> {
    const b = await this.store.broadcasts.get(id);
    if (!b || b.delivered >= b.total) return;
    const recipients = await this.store.broadcasts.recipients(id);
    const file = b.file ? JSON.parse(b.file) as FileBody['file'] : null;
    const body: BroadcastBody = { broadcast: { id: b.id, title: b.title, text: b.text, ...(file ? { file } : {}) } };
    const json = JSON.stringify(body);
    const size = Math.max(1, Math.min(BATCH_RECIPIENTS, Math.floor(BATCH_BODY_BYTES / (Buffer.byteLength(json) + 200))));
    let from = b.delivered;
    let failures = 0;
    while (from < recipients.length && !this.stopped) {
      try {
        const userIds = recipients.slice(from, from + size);
        const r = await this.store.broadcasts.deliver({ id, from, userIds, body: json, title: SYSTEM_TITLE, fileId: file?.id ?? null, at: this.clock.now() });
        if (r.deliveries.length === 0) {
          // The cursor had moved: another run (another central) got there first; go on from where it is.
          if (r.delivered <= from) return;
          from = r.delivered;
          continue;
        }
        await this.emit(r.deliveries);
        from = r.delivered;
        failures = 0;
      } catch (error) {
        failures += 1;
        const wait = Math.min(RETRY_MAX_MS, 100 * 2 ** failures);
        log.warn({ err: error, broadcast: id, from, wait }, 'broadcast batch failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, wait).unref());
      }
      // Let other work in between batches.
      await yieldTurn();
    }
  }

  private async emit(deliveries: BroadcastDelivery[]): Promise<void> {
    const fresh = deliveries.filter((d) => d.createdConversation);
    const names = new Map((await this.store.users.byIds(fresh.map((d) => d.userId))).map((u) => [u.id, u.name]));
    for (const d of deliveries) {
      const message = messageView(d.message);
      if (d.createdConversation) {
        const c = d.conversation;
        const readSeq = d.message.sender_id === d.userId ? d.message.seq : 0;
        const shared: ConversationShared = {
          id: c.id, kind: 'system', title: c.title, notice: '', owner_id: null, last_seq: c.last_seq, last_message: message, created_at: c.created_at,
          members: [{ user_id: d.userId, name: names.get(d.userId) ?? '', role: 'member', read_seq: readSeq }],
          discussion: false, mute_all: false, dissolved: false, mention_all_policy: 'admins', cursors_shared: true,
        };
        this.events.emit({ type: 'conversation.updated', conversation: shared }, [d.userId]);
      }
      this.events.emit({ type: 'message.new', conv_id: d.conversation.id, message }, [d.userId]);
    }
  }

  /** Everyone named, once each, ascending by user id: enabled users only (people who have left get nothing). */
  private async resolve(target: BroadcastTarget): Promise<number[]> {
    const ids = new Set<number>();
    if (target.all) {
      const all: number[] = [];
      for (let afterId = 0; ;) {
        const page = await this.store.broadcasts.enabledUserIds(afterId, 5000);
        all.push(...page);
        if (page.length < 5000) return all;
        afterId = page[page.length - 1]!;
        await yieldTurn();
      }
    }
    const named = new Set<number>(target.user_ids ?? []);
    if (target.dept_ids?.length) {
      const m = await this.directory.current();
      const unknown = target.dept_ids.filter((d) => !m.depts.has(d));
      if (unknown.length) throw new AppError('SB_NOT_FOUND', 'No such department', { dept_ids: unknown });
      for (const dept of target.dept_ids) {
        for (const d of m.subtree(dept)) {
          for (const pid of m.membersOf(d)) {
            const person = m.people.get(pid);
            if (person?.user_id != null && person.status === 'active') named.add(person.user_id);
          }
        }
      }
    }
    const list = [...named];
    for (let i = 0; i < list.length; i += 1000) {
      const chunk = list.slice(i, i + 1000);
      const users = await this.store.users.byIds(chunk);
      const unknown = (target.user_ids ?? []).filter((id) => chunk.includes(id) && !users.some((u) => u.id === id));
      if (unknown.length) throw new AppError('SB_NOT_FOUND', 'No such user', { user_ids: unknown });
      for (const u of users) if (!u.disabled) ids.add(u.id);
      await yieldTurn();
    }
    return [...ids].sort((a, b) => a - b);
  }

  private async view(b: BroadcastRecord): Promise<BroadcastView> {
    return {
      id: b.id, sender_id: b.sender_id, cmid: b.cmid, title: b.title, text: b.text, file: b.file ? JSON.parse(b.file) as FileBody['file'] : null,
      target: JSON.parse(b.target) as BroadcastTarget, status: b.delivered >= b.total ? 'done' : 'delivering',
      total: b.total, delivered: b.delivered, read: await this.store.broadcasts.readCount(b.id), created_at: b.created_at,
    };
  }
}

/** Lets the event loop run other work (a synchronous store's reads never yield by themselves). */
function yieldTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Exactly one way of naming recipients: everyone, or departments and/or people. */
function targetOf(p: BroadcastSendParams): BroadcastTarget {
  const depts = [...new Set(p.dept_ids ?? [])];
  const users = [...new Set(p.user_ids ?? [])];
  if (p.all) {
    if (depts.length || users.length) throw new AppError('SB_VALIDATION', 'all: name everyone, or departments and people, not both', { field: 'all' });
    return { all: true };
  }
  if (!depts.length && !users.length) throw new AppError('SB_VALIDATION', 'Name the recipients: all, dept_ids or user_ids', { field: 'dept_ids' });
  return { ...(depts.length ? { dept_ids: depts } : {}), ...(users.length ? { user_ids: users } : {}) };
}

/** Whether the gate admitted the administrator with a reach over the whole organisation. */
function wholeReach(actor: AdminActor): boolean {
  return (actor.authority?.roots ?? null) === null;
}
