import { AppError } from '../../shared/errors.js';
import { randomId } from '../../shared/ids.js';
import type {
  ConversationShared, ConversationView, HistoryPage, MemberView, MessageView, SyncResult, SystemBody,
} from '../../shared/protocol/types.js';
import type { Actor } from '../actor.js';
import type { AppendInput, Clock, ConversationRecord, EventSink, MemberRecord, MessageEffects, MessageRecord, Store } from '../ports.js';
import { messageView } from '../presenters.js';
import { SYNC_UPDATED_LIMIT } from '../../shared/protocol/api.js';
import { MessagePresenter } from './quotes.js';
import type { RateLimiter } from '../rate-limit.js';
import { fileBody, type FilesService } from '../files/service.js';
import type { Static } from '@sinclair/typebox';
import type { GroupParams, HistoryParams, SendParams } from './operations.js';
import { checkMentions, MENTION_SEQS_LISTED, type MentionLimits } from '../mentions/rules.js';

/** Urgent messages (紧急) one sender may send an hour. */
export const URGENT_PER_HOUR = 10;

type ConvParams = { conv_id: number; cmid?: string };
type AppendAtMentions = AppendInput['mentions'];

export interface MessagingLimits extends MentionLimits {
  /**
   * Up to this many active members, every member's read cursor is shared (members[].read_seq, read.updated to
   * all); in larger conversations each member holds only their own and receipts are counted at central.
   */
  sharedReadCursors: number;
  maxTextChars: number;
  maxGroupMembers: number;
  sendsPerUserPer10s: number;
}


/** A read past messages of more senders than this tells only these many of them (their counts refresh anyway on look). */
const READ_HINTS_MAX = 1000;

/**
 * Conversations and messages. Every state change goes through the store in one
 * transaction and ends in `events.emit` after commit; reads check membership.
 */
export class MessagingService {
  /** Messages as every API shows them (quotes of recalled messages hidden). */
  readonly present: MessagePresenter;

  constructor(
    private readonly store: Store,
    private readonly events: EventSink,
    private readonly limiter: RateLimiter,
    private readonly clock: Clock,
    private readonly limits: MessagingLimits,
    private readonly files: FilesService,
    /** The person's own state that sync also carries (favourites, notification settings), read after the position. */
    private readonly personal: (userId: number, since: number) => Promise<Pick<SyncResult, 'favourites' | 'favourites_removed' | 'notify_settings'>>,
    /** Told of every stored message after commit (the search index, core/search/service.ts). */
    private readonly search?: { indexed(m: MessageRecord): void },
  ) {
    this.present = new MessagePresenter(store);
  }

  // ---- reads ---------------------------------------------------------------

  async listConversations(actor: Actor): Promise<ConversationView[]> {
    const rows = await this.store.conversations.listForUser(actor.userId);
    const views = await Promise.all(rows.map((r) => this.view(r.conversation, r.member)));
    return views.sort((a, b) => (b.last_message?.created_at ?? b.created_at) - (a.last_message?.created_at ?? a.created_at));
  }

  async getConversation(actor: Actor, p: { conv_id: number }): Promise<ConversationView> {
    const { conversation, member } = await this.requireMember(actor.userId, p.conv_id);
    return this.view(conversation, member);
  }

  async history(actor: Actor, p: Static<typeof HistoryParams>): Promise<HistoryPage> {
    const { conv_id: convId, after: afterSeq, before: beforeSeq } = p;
    const limit = p.limit ?? 50;
    const { conversation } = await this.requireMember(actor.userId, convId);
    const rows = await this.store.conversations.history(convId, { afterSeq, beforeSeq, limit });
    const messages = await this.present.views(rows);
    let more: boolean;
    if (beforeSeq !== undefined) more = messages.length > 0 && messages[0]!.seq > 1;
    else if (afterSeq !== undefined) more = messages.length > 0 && messages[messages.length - 1]!.seq < conversation.last_seq;
    else more = messages.length > 0 && messages[0]!.seq > 1;
    return { messages, more };
  }

  /** Everything that changed for the user after durable position `since`. */
  async sync(actor: Actor, p: { since?: number }): Promise<SyncResult> {
    const since = p.since ?? 0;
    const { pos, changes } = await this.store.conversations.changedSince(actor.userId, since);
    const conversations: ConversationView[] = [];
    const removed: number[] = [];
    for (const c of changes) {
      if (c.member.active) conversations.push(await this.view(c.conversation, c.member));
      else removed.push(c.conversation.id);
    }
    // Read after the position: a change at or below it is in this list (or came with an earlier sync).
    const updated = await this.present.views(await this.store.messageActions.changedSince(actor.userId, since, SYNC_UPDATED_LIMIT));
    return { pos, conversations, removed, updated, ...(await this.personal(actor.userId, since)) };
  }

  // ---- writes --------------------------------------------------------------

  /** Opens (creating if needed) the one-to-one conversation with another user. */
  async openDirect(actor: Actor, p: { user_id: number }): Promise<ConversationView> {
    const peerId = p.user_id;
    if (peerId === actor.userId) throw new AppError('SB_VALIDATION', 'user_id: cannot open a conversation with yourself');
    const peer = await this.store.users.byId(peerId);
    if (!peer) throw new AppError('SB_NOT_FOUND', 'No such user');
    const key = `${Math.min(actor.userId, peerId)}:${Math.max(actor.userId, peerId)}`;
    const existing = await this.store.conversations.byDirectKey(key);
    if (existing) return this.viewFor(existing, actor.userId);
    if (peer.disabled) throw new AppError('SB_USER_DISABLED', 'That account is disabled');
    const { conversation, created } = await this.store.conversations.create({
      kind: 'direct', title: '', ownerId: null, directKey: key,
      members: [{ userId: actor.userId, role: 'member' }, { userId: peerId, role: 'member' }],
      first: null,
    });
    if (created) await this.emitConversation(conversation);
    return this.viewFor(conversation, actor.userId);
  }

  async createGroup(actor: Actor, p: Static<typeof GroupParams>): Promise<ConversationView> {
    const cmid = this.cmidOf(p);
    const memberIds = this.members(p.member_ids, 'member_ids', this.limits.maxGroupMembers - 1).filter((id) => id !== actor.userId);
    const users = await this.requireActiveUsers(memberIds);
    const creator = await this.store.users.byId(actor.userId);
    const title = p.title?.trim()
      || [creator, ...users].slice(0, 3).map((u) => u!.name).join('、');
    const body: SystemBody = { event: 'created', actor_id: actor.userId, user_ids: memberIds, title };
    const { conversation, message, created } = await this.store.conversations.create({
      kind: 'group', title, ownerId: actor.userId, directKey: null,
      members: [{ userId: actor.userId, role: 'owner' }, ...memberIds.map((userId) => ({ userId, role: 'member' as const }))],
      first: { senderId: actor.userId, cmid, body: JSON.stringify(body), at: this.clock.now() },
    });
    if (created) {
      const shared = await this.emitConversation(conversation);
      if (message) this.events.emit({ type: 'message.new', conv_id: conversation.id, message: messageView(message) }, memberIdsOf(shared));
    }
    return this.viewFor(conversation, actor.userId);
  }

  async send(actor: Actor, p: Static<typeof SendParams>): Promise<MessageView> {
    const { conv_id: convId, cmid, body } = p;
    let kind: 'text' | 'file';
    let stored: string;
    let fileId: number | null = null;
    let mentions: AppendAtMentions;
    if ('file_id' in body) {
      fileId = body.file_id;
      const f = await this.files.forMessage(actor.userId, fileId);
      kind = 'file';
      stored = JSON.stringify({ file: fileBody(f) });
    } else {
      const { text } = body;
      this.checkText(text);
      kind = 'text';
      if (body.mentions?.length || body.mention_all) {
        const { conversation, member } = await this.requireMember(actor.userId, convId);
        mentions = await checkMentions(this.store, this.limiter, this.limits, member, conversation, body);
      }
      // A reply carries its quote, built here from what the sender (a member) can read.
      if (body.reply_to !== undefined) await this.requireMember(actor.userId, convId);
      const reply_to = body.reply_to !== undefined ? await this.present.quote(convId, body.reply_to) : undefined;
      // Urgent breaks through quiet hours: bounded, so it cannot become everybody's way of being heard.
      if (body.urgent) await this.limiter.check(`urgent:${actor.userId}`, URGENT_PER_HOUR, 3_600_000);
      stored = JSON.stringify({
        text, ...(mentions?.userIds.length ? { mentions: mentions.userIds } : {}), ...(mentions?.all ? { mention_all: true } : {}),
        ...(reply_to ? { reply_to } : {}), ...(body.urgent ? { urgent: true } : {}),
      });
    }
    await this.limiter.check(`send:${actor.userId}`, this.limits.sendsPerUserPer10s, 10_000);
    const { message, created, recipients } = await this.store.conversations.append({
      convId, senderId: actor.userId, cmid, kind, body: stored, at: this.clock.now(), requireMember: true, mentions,
    });
    // Members may fetch the file once the message that shares it exists (idempotent, so retries repeat it safely).
    if (fileId !== null && message.kind === 'file') await this.store.files.attach(fileId, message.conv_id, message.seq);
    const view = await this.present.one(message);
    if (created) {
      this.events.emit({ type: 'message.new', conv_id: convId, message: view }, recipients);
      this.search?.indexed(message);
    }
    return view;
  }

  checkText(text: string): void {
    if (text.length > this.limits.maxTextChars) throw new AppError('SB_VALIDATION', `body.text: must have at most ${this.limits.maxTextChars} characters`, { field: 'body.text' });
    if (text.trim() === '') throw new AppError('SB_VALIDATION', 'body.text: must not be blank', { field: 'body.text' });
  }

  async markRead(actor: Actor, p: { conv_id: number; seq: number }): Promise<{ conv_id: number; read_seq: number }> {
    const { conv_id: convId, seq } = p;
    const { conversation, member } = await this.requireMember(actor.userId, convId);
    if (seq > conversation.last_seq) throw new AppError('SB_VALIDATION', 'seq: beyond the last message', { field: 'seq' });
    const { readSeq, changed } = await this.store.conversations.markRead(convId, actor.userId, seq);
    if (changed) {
      this.events.emit({ type: 'read.updated', conv_id: convId, user_id: actor.userId, read_seq: readSeq },
        await this.readRecipients(convId, actor.userId, member.read_seq, readSeq));
    }
    return { conv_id: convId, read_seq: readSeq };
  }

  /**
   * Whom a read concerns. Where cursors are shared, every active member (each holds everyone's). In a larger
   * conversation, the reader's own devices and the senders of the messages the read went past: their receipts
   * changed, and they count them at central (docs/mentions.md, Read receipts at scale).
   */
  private async readRecipients(convId: number, readerId: number, fromSeq: number, toSeq: number): Promise<number[]> {
    if (await this.store.mentions.activeCount(convId) <= this.limits.sharedReadCursors) {
      return (await this.store.conversations.members(convId)).filter((m) => m.active).map((m) => m.user_id);
    }
    const senders = await this.store.receipts.sendersBetween(convId, fromSeq, toSeq, READ_HINTS_MAX);
    return [readerId, ...senders.filter((id) => id !== readerId)];
  }

  /** Do not disturb for one conversation; all my devices learn it. */
  async setMuted(actor: Actor, p: { conv_id: number; muted: boolean }): Promise<ConversationView> {
    const { conv_id: convId, muted } = p;
    await this.requireMember(actor.userId, convId);
    const { changed } = await this.store.conversations.setMuted(convId, actor.userId, muted);
    if (changed) this.events.emit({ type: 'member.settings', conv_id: convId, muted }, [actor.userId]);
    const conversation = (await this.store.conversations.get(convId))!;
    return this.viewFor(conversation, actor.userId);
  }

  async addMembers(actor: Actor, p: ConvParams & { user_ids: number[] }): Promise<ConversationView> {
    const convId = p.conv_id;
    const userIds = this.members(p.user_ids, 'user_ids', this.limits.maxGroupMembers);
    const { conversation } = await this.requireGroupMember(actor.userId, convId);
    await this.requireActiveUsers(userIds);
    const current = (await this.store.conversations.members(convId)).filter((m) => m.active);
    const fresh = userIds.filter((id) => !current.some((m) => m.user_id === id));
    if (current.length + fresh.length > this.limits.maxGroupMembers) {
      throw new AppError('SB_VALIDATION', `user_ids: a group holds at most ${this.limits.maxGroupMembers} members`);
    }
    if (fresh.length === 0) return this.viewFor(conversation, actor.userId);
    await this.systemChange(actor, p, convId, { event: 'members_added', actor_id: actor.userId, user_ids: fresh },
      { addMembers: fresh.map((userId) => ({ userId, role: 'member' as const })) });
    return this.viewFor(conversation, actor.userId);
  }

  async removeMember(actor: Actor, p: ConvParams & { user_id: number }): Promise<ConversationView> {
    const { conv_id: convId, user_id: userId } = p;
    const { conversation, member } = await this.requireGroupMember(actor.userId, convId);
    if (userId === actor.userId) throw new AppError('SB_VALIDATION', 'user_id: use leave to remove yourself');
    const target = await this.store.conversations.membership(convId, userId);
    if (!target || !target.active) throw new AppError('SB_NOT_FOUND', 'That user is not a member');
    if (member.role === 'member' || target.role === 'owner') throw new AppError('SB_FORBIDDEN', 'Only the owner or a group admin can remove members');
    await this.systemChange(actor, p, convId, { event: 'member_removed', actor_id: actor.userId, user_ids: [userId] },
      { removeMembers: [userId] }, ['owner', 'admin'], [userId]);
    this.events.accessRevoked([userId]);
    return this.viewFor(conversation, actor.userId);
  }

  async leave(actor: Actor, p: ConvParams): Promise<{ conv_id: number }> {
    const convId = p.conv_id;
    const { member } = await this.requireGroupMember(actor.userId, convId);
    const effects: MessageEffects = { removeMembers: [actor.userId] };
    if (member.role === 'owner') {
      // Ownership passes to the longest-standing admin, else the longest-standing member.
      const others = (await this.store.conversations.members(convId))
        .filter((m) => m.active && m.user_id !== actor.userId)
        .sort((a, b) => rank(a) - rank(b) || a.joined_seq - b.joined_seq);
      if (others[0]) effects.setOwner = others[0].user_id;
    }
    // A dissolved group can still be left (it leaves the member's list).
    await this.systemChange(actor, p, convId, { event: 'member_left', actor_id: actor.userId }, effects, undefined, [actor.userId], true);
    this.events.accessRevoked([actor.userId]);
    return { conv_id: convId };
  }

  async rename(actor: Actor, p: ConvParams & { title: string }): Promise<ConversationView> {
    const convId = p.conv_id;
    const title = p.title.trim();
    if (!title) throw new AppError('SB_VALIDATION', 'title: must not be blank', { field: 'title' });
    const { conversation, member } = await this.requireGroupMember(actor.userId, convId);
    // In a discussion (no owner, no admins) any member renames it.
    if (member.role === 'member' && !conversation.discussion) throw new AppError('SB_FORBIDDEN', 'Only the owner or a group admin can rename the group');
    await this.systemChange(actor, p, convId, { event: 'renamed', actor_id: actor.userId, title }, { setTitle: title }, conversation.discussion ? undefined : ['owner', 'admin']);
    return this.viewFor(conversation, actor.userId);
  }

  /** The owner makes a member a group admin, or an admin a member again. */
  async setRole(actor: Actor, p: ConvParams & { user_id: number; role: 'admin' | 'member' }): Promise<ConversationView> {
    const { conv_id: convId, user_id: userId, role } = p;
    const { conversation, member } = await this.requireGroupMember(actor.userId, convId);
    if (member.role !== 'owner') throw new AppError('SB_FORBIDDEN', 'Only the owner can appoint group admins');
    const target = await this.store.conversations.membership(convId, userId);
    if (!target || !target.active) throw new AppError('SB_NOT_FOUND', 'That user is not a member');
    if (target.role === 'owner') throw new AppError('SB_VALIDATION', 'user_id: use transfer to change the owner');
    if (target.role !== role) {
      await this.systemChange(actor, p, convId, { event: 'role_changed', actor_id: actor.userId, user_ids: [userId], role },
        { setRoles: [{ userId, role }] }, ['owner']);
    }
    return this.viewFor(conversation, actor.userId);
  }

  /** The owner hands the group to another member and becomes an admin. */
  async transfer(actor: Actor, p: ConvParams & { user_id: number }): Promise<ConversationView> {
    const { conv_id: convId, user_id: userId } = p;
    const { conversation, member } = await this.requireGroupMember(actor.userId, convId);
    if (member.role !== 'owner') throw new AppError('SB_FORBIDDEN', 'Only the owner can transfer the group');
    if (userId === actor.userId) throw new AppError('SB_VALIDATION', 'user_id: already the owner');
    const target = await this.store.conversations.membership(convId, userId);
    if (!target || !target.active) throw new AppError('SB_NOT_FOUND', 'That user is not a member');
    await this.systemChange(actor, p, convId, { event: 'owner_changed', actor_id: actor.userId, user_ids: [userId] },
      { setRoles: [{ userId: actor.userId, role: 'admin' }], setOwner: userId }, ['owner']);
    return this.viewFor(conversation, actor.userId);
  }

  /** The group notice board (群公告): owner and admins write it, everyone sees it. */
  async setNotice(actor: Actor, p: ConvParams & { notice: string }): Promise<ConversationView> {
    const { conv_id: convId, notice } = p;
    const { conversation, member } = await this.requireGroupMember(actor.userId, convId);
    if (member.role === 'member') throw new AppError('SB_FORBIDDEN', 'Only the owner or a group admin can edit the notice');
    await this.systemChange(actor, p, convId, { event: 'notice_changed', actor_id: actor.userId, notice }, { setNotice: notice }, ['owner', 'admin']);
    return this.viewFor(conversation, actor.userId);
  }

  // ---- helpers (also used by the group features in groups.ts) ---------------

  /** A group change is a system message whose effects apply in its transaction. */
  async systemChange(
    actor: Actor, p: { cmid?: string }, convId: number, body: SystemBody, effects: MessageEffects,
    requireRole?: ('owner' | 'admin' | 'member')[], removed: number[] = [], allowDissolved = false,
  ): Promise<void> {
    const { message, created } = await this.store.conversations.append({
      convId, senderId: actor.userId, cmid: this.cmidOf(p), kind: 'system', body: JSON.stringify(body),
      at: this.clock.now(), requireMember: true, requireRole, effects, allowDissolved,
    });
    if (!created) return;
    const conversation = await this.store.conversations.get(convId);
    const shared = await this.emitConversation(conversation!);
    const recipients = memberIdsOf(shared);
    this.events.emit({ type: 'message.new', conv_id: convId, message: messageView(message) }, recipients);
    for (const userId of removed) this.events.emit({ type: 'conversation.removed', conv_id: convId, user_id: userId }, [userId]);
  }

  cmidOf(p: { cmid?: string }): string {
    return p.cmid ?? randomId(12);
  }

  /** Member ids without repeats, at most `max` of them (a configured limit, so not in the schema). */
  members(ids: readonly number[], field: string, max: number): number[] {
    if (ids.length > max) throw new AppError('SB_VALIDATION', `${field}: must have at most ${max} entries`, { field });
    return [...new Set(ids)];
  }

  async emitConversation(conversation: ConversationRecord): Promise<ConversationShared> {
    const shared = await this.shared(conversation);
    this.events.emit({ type: 'conversation.updated', conversation: shared }, memberIdsOf(shared));
    return shared;
  }

  async requireMember(userId: number, convId: number): Promise<{ conversation: ConversationRecord; member: MemberRecord }> {
    const [conversation, member] = await Promise.all([
      this.store.conversations.get(convId), this.store.conversations.membership(convId, userId),
    ]);
    // Not found and not a member look the same, so ids cannot be probed.
    if (!conversation || !member || !member.active) throw new AppError('SB_NOT_MEMBER');
    return { conversation, member };
  }

  async requireGroupMember(userId: number, convId: number) {
    const r = await this.requireMember(userId, convId);
    if (r.conversation.kind !== 'group') throw new AppError('SB_VALIDATION', 'conv_id: not a group');
    return r;
  }

  async requireActiveUsers(ids: number[]) {
    const users = await this.store.users.byIds(ids);
    const missing = ids.filter((id) => !users.some((u) => u.id === id && !u.disabled));
    if (missing.length) throw new AppError('SB_NOT_FOUND', 'Some users do not exist or are disabled', { user_ids: missing });
    return users;
  }

  async viewFor(conversation: ConversationRecord, userId: number): Promise<ConversationView> {
    const fresh = (await this.store.conversations.get(conversation.id))!;
    const member = await this.store.conversations.membership(conversation.id, userId);
    if (!member) throw new AppError('SB_NOT_MEMBER');
    return this.view(fresh, member);
  }

  async shared(c: ConversationRecord, members?: MemberRecord[]): Promise<ConversationShared> {
    const active = (members ?? (await this.store.conversations.members(c.id))).filter((m) => m.active);
    const users = await this.store.users.byIds(active.map((m) => m.user_id));
    const names = new Map(users.map((u) => [u.id, u.name]));
    const last = c.last_seq > 0 ? await this.store.conversations.messageBySeq(c.id, c.last_seq) : null;
    // Past the limit nobody holds others' cursors: members[].read_seq is 0 and each member's own is their read_seq.
    const cursorsShared = active.length <= this.limits.sharedReadCursors;
    const memberViews: MemberView[] = active
      .map((m) => ({ user_id: m.user_id, name: names.get(m.user_id) ?? '', role: m.role, read_seq: cursorsShared ? m.read_seq : 0 }))
      .sort((a, b) => a.user_id - b.user_id);
    return {
      id: c.id, kind: c.kind, title: c.title, notice: c.notice ?? '', owner_id: c.owner_id, last_seq: c.last_seq,
      last_message: last ? await this.present.one(last) : null, created_at: c.created_at, members: memberViews,
      discussion: c.discussion, mute_all: c.mute_all, dissolved: c.dissolved, mention_all_policy: c.mention_all_policy,
      cursors_shared: cursorsShared,
    };
  }

  private async view(c: ConversationRecord, member: MemberRecord): Promise<ConversationView> {
    const shared = await this.shared(c);
    const [unread, mentions] = await Promise.all([
      this.store.conversations.unreadCount(c.id, member.user_id, member.read_seq),
      this.store.mentions.unread(c.id, member.user_id, member.read_seq, MENTION_SEQS_LISTED),
    ]);
    return { ...shared, read_seq: member.read_seq, unread, muted: member.muted, mentions_unread: mentions.count, mention_seqs: mentions.seqs };
  }
}

function memberIdsOf(c: ConversationShared): number[] {
  return c.members.map((m) => m.user_id);
}

function rank(m: MemberRecord): number {
  return m.role === 'owner' ? 0 : m.role === 'admin' ? 1 : 2;
}
