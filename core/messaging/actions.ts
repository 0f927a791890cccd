import type { Static } from '@sinclair/typebox';
import { AppError } from '../../shared/errors.js';
import type { MemberRole, MessagePolicy, MessageView, RecalledBody, TextBody } from '../../shared/protocol/types.js';
import type { Actor } from '../actor.js';
import type { Clock, EventSink, MessageRecord, Store } from '../ports.js';
import type { RateLimiter } from '../rate-limit.js';
import { FORWARDABLE, copyBody, filesIn, makeBundle } from './bundles.js';
import type { ForwardParams } from './action-operations.js';
import type { MessagingLimits, MessagingService } from './service.js';

const rank = (role: MemberRole): number => (role === 'owner' ? 0 : role === 'admin' ? 1 : 2);

/**
 * What people do with a message after sending it (docs/messages.md): forward it (one by one or merged into a
 * bundle), recall it, edit it; and the organisation's windows for recall and edit. Replies are msg.send with
 * `reply_to` (MessagingService.send and quotes.ts).
 */
export class MessageActionsService {
  constructor(
    private readonly store: Store,
    private readonly messaging: MessagingService,
    private readonly events: EventSink,
    private readonly limiter: RateLimiter,
    private readonly clock: Clock,
    private readonly limits: Pick<MessagingLimits, 'sendsPerUserPer10s'>,
    /** The message search index: a recalled message leaves it, an edited one is indexed by its new text. */
    private readonly search?: { remove(convId: number, seq: number): Promise<void>; reindex(convId: number, seq: number, text: string): Promise<void> },
  ) {}

  /**
   * Copies of readable messages into other conversations I am in. Every copy is an append with a cmid derived
   * from the request's (`<cmid>.<to>.<seq>` one by one, `<cmid>.<to>` for a bundle), so a retry completes what a
   * failure interrupted and repeats nothing. Files the copies carry are attached to the target conversation:
   * its members may open them, the source conversation stays closed to them.
   */
  async forward(actor: Actor, p: Static<typeof ForwardParams>): Promise<{ messages: MessageView[] }> {
    const seqs = [...new Set(p.seqs)].sort((a, b) => a - b);
    const targets = [...new Set(p.to_conv_ids)];
    await this.messaging.requireMember(actor.userId, p.from_conv_id);
    for (const to of targets) {
      const { conversation, member } = await this.messaging.requireMember(actor.userId, to);
      if (conversation.dissolved) throw new AppError('SB_GROUP_DISSOLVED', undefined, { conv_id: to });
      if (conversation.mute_all && member.role === 'member') throw new AppError('SB_GROUP_MUTED', undefined, { conv_id: to });
    }
    const records = await this.store.conversations.messagesBySeqs(seqs.map((seq) => ({ convId: p.from_conv_id, seq })));
    const missing = seqs.filter((s) => !records.some((r) => r.seq === s));
    if (missing.length) throw new AppError('SB_NOT_FOUND', 'seqs: no such messages in this conversation', { field: 'seqs', seqs: missing });
    records.sort((a, b) => a.seq - b.seq);
    const recalled = records.filter((r) => r.kind === 'recalled').map((r) => r.seq);
    if (recalled.length) throw new AppError('SB_RECALLED', 'seqs: some of these messages were recalled', { field: 'seqs', seqs: recalled });
    const other = records.filter((r) => !(FORWARDABLE as readonly string[]).includes(r.kind)).map((r) => r.seq);
    if (other.length) throw new AppError('SB_VALIDATION', 'seqs: system messages cannot be forwarded', { field: 'seqs', seqs: other });
    const views = await this.messaging.present.views(records);
    await this.limiter.check(`send:${actor.userId}`, this.limits.sendsPerUserPer10s, 10_000);

    const copies: { to: number; cmid: string; kind: MessageRecord['kind']; body: ReturnType<typeof copyBody> }[] = [];
    if (p.mode === 'bundle') {
      const names = new Map((await this.store.users.byIds([...new Set(views.map((v) => v.sender_id))])).map((u) => [u.id, u.name]));
      const bundle = makeBundle(views, names);
      for (const to of targets) copies.push({ to, cmid: `${p.cmid}.${to}`, kind: 'bundle', body: bundle });
    } else {
      for (const to of targets) for (const v of views) copies.push({ to, cmid: `${p.cmid}.${to}.${v.seq}`, kind: v.kind, body: copyBody(v) });
    }
    const out: MessageView[] = [];
    for (const c of copies) {
      const { message, created, recipients } = await this.store.conversations.append({
        convId: c.to, senderId: actor.userId, cmid: c.cmid, kind: c.kind, body: JSON.stringify(c.body), at: this.clock.now(), requireMember: true,
      });
      // Before the event: whoever sees the copy can open its files (idempotent, so a retry repeats it safely).
      for (const fileId of new Set(filesIn(c.body))) await this.store.files.attach(fileId, c.to, message.seq);
      const view = await this.messaging.present.one(message);
      if (created) this.events.emit({ type: 'message.new', conv_id: c.to, message: view }, recipients);
      out.push(view);
    }
    return { messages: out };
  }

  /**
   * The sender within the recall window; in a group, the owner and admins recall messages of those ranked
   * below them at any time. The content is gone from every API; who recalled it is kept.
   */
  async recall(actor: Actor, p: { conv_id: number; seq: number }): Promise<MessageView> {
    const { conversation, member } = await this.messaging.requireMember(actor.userId, p.conv_id);
    const m = await this.message(p.conv_id, p.seq);
    if (m.kind === 'recalled') return this.messaging.present.one(m);
    if (m.kind === 'system') throw new AppError('SB_VALIDATION', 'seq: a system message cannot be recalled', { field: 'seq' });
    if (m.sender_id === actor.userId) {
      const { recall_window } = await this.store.messageActions.policy();
      if (!this.within(m, recall_window)) throw new AppError('SB_WINDOW_CLOSED', 'The recall window has passed');
    } else {
      if (conversation.kind !== 'group' || member.role === 'member') throw new AppError('SB_FORBIDDEN', 'Only the sender, or the group owner and admins, can recall a message');
      const sender = await this.store.conversations.membership(p.conv_id, m.sender_id);
      const senderRank = sender?.active ? rank(sender.role) : 2;
      if (rank(member.role) >= senderRank) throw new AppError('SB_FORBIDDEN', 'A group admin recalls messages of members only');
    }
    const me = await this.store.users.byId(actor.userId);
    const body: RecalledBody = { recalled_by: actor.userId, recalled_by_name: me?.name ?? '' };
    // Before the body is gone (it names the files): a recall that fails after this has closed nothing it should not.
    const closed = await this.closeFiles(m);
    const view = await this.revise(p.conv_id, p.seq, 'recalled', JSON.stringify(body), [...FORWARDABLE]);
    if (closed.length > 0) this.events.filesRevoked(closed);
    return view;
  }

  /** The sender edits a text message within the edit window; a reply keeps its quote. */
  async edit(actor: Actor, p: { conv_id: number; seq: number; text: string }): Promise<MessageView> {
    const { conversation } = await this.messaging.requireMember(actor.userId, p.conv_id);
    const m = await this.message(p.conv_id, p.seq);
    if (m.sender_id !== actor.userId) throw new AppError('SB_FORBIDDEN', 'Only the sender can edit a message');
    if (m.kind === 'recalled') throw new AppError('SB_RECALLED');
    if (m.kind !== 'text') throw new AppError('SB_VALIDATION', 'seq: only text messages can be edited', { field: 'seq' });
    if (conversation.dissolved) throw new AppError('SB_GROUP_DISSOLVED');
    this.messaging.checkText(p.text);
    const { edit_window } = await this.store.messageActions.policy();
    if (!this.within(m, edit_window)) throw new AppError('SB_WINDOW_CLOSED', 'The edit window has passed');
    const old = JSON.parse(m.body) as TextBody;
    if (old.text === p.text) return this.messaging.present.one(m);
    return this.revise(p.conv_id, p.seq, 'text', JSON.stringify({ ...old, text: p.text, edited_at: this.clock.now() }), ['text']);
  }

  async getPolicy(): Promise<MessagePolicy> {
    return this.store.messageActions.policy();
  }

  async setPolicy(actor: Actor, p: Partial<MessagePolicy>): Promise<MessagePolicy> {
    const before = await this.store.messageActions.policy();
    const after = await this.store.messageActions.setPolicy({ ...before, ...p });
    await this.store.audit.append({ actor_id: actor.userId, action: 'message_policy.set', target: 'message_policy', details: { before, after }, at: this.clock.now() });
    return after;
  }

  /**
   * The files a message being recalled carries close to its conversation unless another of its messages still
   * carries them (docs/messages.md). Returns the files closed, for the relays to forget their grants.
   */
  private async closeFiles(m: MessageRecord): Promise<number[]> {
    if (m.kind !== 'file' && m.kind !== 'bundle') return [];
    const fileIds = filesIn(JSON.parse(m.body) as Parameters<typeof filesIn>[0]);
    return fileIds.length === 0 ? [] : this.store.files.detach(m.conv_id, m.seq, fileIds);
  }

  private within(m: MessageRecord, windowSeconds: number): boolean {
    return windowSeconds > 0 && this.clock.now() - m.created_at <= windowSeconds * 1000;
  }

  private async message(convId: number, seq: number): Promise<MessageRecord> {
    const m = await this.store.conversations.messageBySeq(convId, seq);
    if (!m) throw new AppError('SB_NOT_FOUND', 'seq: no such message in this conversation', { field: 'seq' });
    return m;
  }

  private async revise(convId: number, seq: number, kind: MessageRecord['kind'], body: string, fromKinds: MessageRecord['kind'][]): Promise<MessageView> {
    const r = await this.store.messageActions.revise({ convId, seq, kind, body, fromKinds });
    if (!r) throw new AppError('SB_NOT_FOUND', 'seq: no such message in this conversation', { field: 'seq' });
    // Lost a race: a recall got there first (an edit), or the message is already recalled (a recall: same outcome).
    if (!r.changed && r.message.kind === 'recalled' && kind !== 'recalled') throw new AppError('SB_RECALLED');
    if (r.changed && this.search) {
      if (kind === 'recalled') await this.search.remove(convId, seq);
      else await this.search.reindex(convId, seq, (JSON.parse(body) as { text: string }).text);
    }
    const view = await this.messaging.present.one(r.message);
    if (r.changed) this.events.emit({ type: 'message.updated', conv_id: convId, message: view }, r.recipients);
    return view;
  }
}
