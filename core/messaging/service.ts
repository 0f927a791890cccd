import { AppError } from '../../shared/errors.js';
import { randomId } from '../../shared/ids.js';
import type {
  ConversationShared, ConversationView, HistoryPage, MemberView, MessageView, SyncResult, SystemBody,
} from '../../shared/protocol/types.js';
import type { Actor } from '../actor.js';
import type { Clock, ConversationRecord, EventSink, MemberRecord, MessageEffects, Store } from '../ports.js';
import { messageView } from '../presenters.js';
import type { RateLimiter } from '../rate-limit.js';
import type { FilesService } from '../files/service.js';
import { bool, CMID, int, intList, obj, oneOf, optInt, optStr, str } from '../validate.js';

export interface MessagingLimits {
  maxTextChars: number;
  maxGroupMembers: number;
  sendsPerUserPer10s: number;
}

const MAX_PAGE = 200;
const MAX_TITLE = 100;

/**
 * Conversations and messages. Every state change goes through the store in one
 * transaction and ends in `events.emit` after commit; reads check membership.
 */
export class MessagingService {
  constructor(
    private readonly store: Store,
    private readonly events: EventSink,
    private readonly limiter: RateLimiter,
    private readonly clock: Clock,
    private readonly limits: MessagingLimits,
    private readonly files: FilesService,
  ) {}

  // ---- reads ---------------------------------------------------------------

  async listConversations(actor: Actor): Promise<ConversationView[]> {
    const rows = await this.store.conversations.listForUser(actor.userId);
    const views = await Promise.all(rows.map((r) => this.view(r.conversation, r.member)));
    return views.sort((a, b) => (b.last_message?.created_at ?? b.created_at) - (a.last_message?.created_at ?? a.created_at));
  }

  async getConversation(actor: Actor, params: unknown): Promise<ConversationView> {
    const convId = int(obj(params).conv_id, 'conv_id', { min: 1 });
    const { conversation, member } = await this.requireMember(actor.userId, convId);
    return this.view(conversation, member);
  }

  async history(actor: Actor, params: unknown): Promise<HistoryPage> {
    const p = obj(params);
    const convId = int(p.conv_id, 'conv_id', { min: 1 });
    const afterSeq = optInt(p.after, 'after', { min: 0 });
    const beforeSeq = optInt(p.before, 'before', { min: 1 });
    const limit = optInt(p.limit, 'limit', { min: 1, max: MAX_PAGE }) ?? 50;
    const { conversation } = await this.requireMember(actor.userId, convId);
    const rows = await this.store.conversations.history(convId, { afterSeq, beforeSeq, limit });
    const messages = rows.map(messageView);
    let more: boolean;
    if (beforeSeq !== undefined) more = messages.length > 0 && messages[0]!.seq > 1;
    else if (afterSeq !== undefined) more = messages.length > 0 && messages[messages.length - 1]!.seq < conversation.last_seq;
    else more = messages.length > 0 && messages[0]!.seq > 1;
    return { messages, more };
  }

  /** Everything that changed for the user after durable position `since`. */
  async sync(actor: Actor, params: unknown): Promise<SyncResult> {
    const since = optInt(obj(params).since, 'since', { min: 0 }) ?? 0;
    const { pos, changes } = await this.store.conversations.changedSince(actor.userId, since);
    const conversations: ConversationView[] = [];
    const removed: number[] = [];
    for (const c of changes) {
      if (c.member.active) conversations.push(await this.view(c.conversation, c.member));
      else removed.push(c.conversation.id);
    }
    return { pos, conversations, removed };
  }

  // ---- writes --------------------------------------------------------------

  /** Opens (creating if needed) the one-to-one conversation with another user. */
  async openDirect(actor: Actor, params: unknown): Promise<ConversationView> {
    const peerId = int(obj(params).user_id, 'user_id', { min: 1 });
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

  async createGroup(actor: Actor, params: unknown): Promise<ConversationView> {
    const p = obj(params);
    const cmid = this.cmidOf(p);
    const memberIds = intList(p.member_ids, 'member_ids', { min: 1, max: this.limits.maxGroupMembers - 1 })
      .filter((id) => id !== actor.userId);
    const users = await this.requireActiveUsers(memberIds);
    const creator = await this.store.users.byId(actor.userId);
    const title = optStr(p.title, 'title', { max: MAX_TITLE })?.trim()
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

  async send(actor: Actor, params: unknown): Promise<MessageView> {
    const p = obj(params);
    const convId = int(p.conv_id, 'conv_id', { min: 1 });
    const cmid = str(p.cmid, 'cmid', { max: 64, pattern: CMID });
    const body = obj(p.body, 'body');
    let kind: 'text' | 'file';
    let stored: string;
    let fileId: number | null = null;
    if (body.file_id !== undefined) {
      fileId = int(body.file_id, 'body.file_id', { min: 1 });
      const f = await this.files.forMessage(actor.userId, fileId);
      kind = 'file';
      stored = JSON.stringify({ file: { id: f.id, name: f.name, size: f.size, mime: f.mime, sha256: f.sha256 } });
    } else {
      const text = str(body.text, 'body.text', { max: this.limits.maxTextChars });
      if (text.trim() === '') throw new AppError('SB_VALIDATION', 'body.text: must not be blank', { field: 'body.text' });
      kind = 'text';
      stored = JSON.stringify({ text });
    }
    await this.limiter.check(`send:${actor.userId}`, this.limits.sendsPerUserPer10s, 10_000);
    const { message, created, recipients } = await this.store.conversations.append({
      convId, senderId: actor.userId, cmid, kind, body: stored, at: this.clock.now(), requireMember: true,
    });
    // Members may fetch the file once the message that shares it exists (idempotent, so retries repeat it safely).
    if (fileId !== null && message.kind === 'file') await this.store.files.attach(fileId, message.conv_id);
    const view = messageView(message);
    if (created) this.events.emit({ type: 'message.new', conv_id: convId, message: view }, recipients);
    return view;
  }

  async markRead(actor: Actor, params: unknown): Promise<{ conv_id: number; read_seq: number }> {
    const p = obj(params);
    const convId = int(p.conv_id, 'conv_id', { min: 1 });
    const seq = int(p.seq, 'seq', { min: 0 });
    const { conversation } = await this.requireMember(actor.userId, convId);
    if (seq > conversation.last_seq) throw new AppError('SB_VALIDATION', 'seq: beyond the last message', { field: 'seq' });
    const { readSeq, changed } = await this.store.conversations.markRead(convId, actor.userId, seq);
    if (changed) {
      const members = await this.store.conversations.members(convId);
      this.events.emit({ type: 'read.updated', conv_id: convId, user_id: actor.userId, read_seq: readSeq },
        members.filter((m) => m.active).map((m) => m.user_id));
    }
    return { conv_id: convId, read_seq: readSeq };
  }

  /** Do not disturb for one conversation; all my devices learn it. */
  async setMuted(actor: Actor, params: unknown): Promise<ConversationView> {
    const p = obj(params);
    const convId = int(p.conv_id, 'conv_id', { min: 1 });
    const muted = bool(p.muted, 'muted');
    await this.requireMember(actor.userId, convId);
    const { changed } = await this.store.conversations.setMuted(convId, actor.userId, muted);
    if (changed) this.events.emit({ type: 'member.settings', conv_id: convId, muted }, [actor.userId]);
    const conversation = (await this.store.conversations.get(convId))!;
    return this.viewFor(conversation, actor.userId);
  }

  async addMembers(actor: Actor, params: unknown): Promise<ConversationView> {
    const p = obj(params);
    const convId = int(p.conv_id, 'conv_id', { min: 1 });
    const userIds = intList(p.user_ids, 'user_ids', { min: 1, max: this.limits.maxGroupMembers });
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

  async removeMember(actor: Actor, params: unknown): Promise<ConversationView> {
    const p = obj(params);
    const convId = int(p.conv_id, 'conv_id', { min: 1 });
    const userId = int(p.user_id, 'user_id', { min: 1 });
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

  async leave(actor: Actor, params: unknown): Promise<{ conv_id: number }> {
    const p = obj(params);
    const convId = int(p.conv_id, 'conv_id', { min: 1 });
    const { member } = await this.requireGroupMember(actor.userId, convId);
    const effects: MessageEffects = { removeMembers: [actor.userId] };
    if (member.role === 'owner') {
      // Ownership passes to the longest-standing admin, else the longest-standing member.
      const others = (await this.store.conversations.members(convId))
        .filter((m) => m.active && m.user_id !== actor.userId)
        .sort((a, b) => rank(a) - rank(b) || a.joined_seq - b.joined_seq);
      if (others[0]) effects.setOwner = others[0].user_id;
    }
    await this.systemChange(actor, p, convId, { event: 'member_left', actor_id: actor.userId }, effects, undefined, [actor.userId]);
    this.events.accessRevoked([actor.userId]);
    return { conv_id: convId };
  }

  async rename(actor: Actor, params: unknown): Promise<ConversationView> {
    const p = obj(params);
    const convId = int(p.conv_id, 'conv_id', { min: 1 });
    const title = str(p.title, 'title', { max: MAX_TITLE }).trim();
    if (!title) throw new AppError('SB_VALIDATION', 'title: must not be blank', { field: 'title' });
    const { conversation, member } = await this.requireGroupMember(actor.userId, convId);
    if (member.role === 'member') throw new AppError('SB_FORBIDDEN', 'Only the owner or a group admin can rename the group');
    await this.systemChange(actor, p, convId, { event: 'renamed', actor_id: actor.userId, title }, { setTitle: title }, ['owner', 'admin']);
    return this.viewFor(conversation, actor.userId);
  }

  /** The owner makes a member a group admin, or an admin a member again. */
  async setRole(actor: Actor, params: unknown): Promise<ConversationView> {
    const p = obj(params);
    const convId = int(p.conv_id, 'conv_id', { min: 1 });
    const userId = int(p.user_id, 'user_id', { min: 1 });
    const role = oneOf(p.role, 'role', ['admin', 'member'] as const);
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
  async transfer(actor: Actor, params: unknown): Promise<ConversationView> {
    const p = obj(params);
    const convId = int(p.conv_id, 'conv_id', { min: 1 });
    const userId = int(p.user_id, 'user_id', { min: 1 });
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
  async setNotice(actor: Actor, params: unknown): Promise<ConversationView> {
    const p = obj(params);
    const convId = int(p.conv_id, 'conv_id', { min: 1 });
    const notice = str(p.notice, 'notice', { min: 0, max: 2000 });
    const { conversation, member } = await this.requireGroupMember(actor.userId, convId);
    if (member.role === 'member') throw new AppError('SB_FORBIDDEN', 'Only the owner or a group admin can edit the notice');
    await this.systemChange(actor, p, convId, { event: 'notice_changed', actor_id: actor.userId, notice }, { setNotice: notice }, ['owner', 'admin']);
    return this.viewFor(conversation, actor.userId);
  }

  // ---- helpers -------------------------------------------------------------

  /** A group change is a system message whose effects apply in its transaction. */
  private async systemChange(
    actor: Actor, p: Record<string, unknown>, convId: number, body: SystemBody, effects: MessageEffects,
    requireRole?: ('owner' | 'admin' | 'member')[], removed: number[] = [],
  ): Promise<void> {
    const { message, created } = await this.store.conversations.append({
      convId, senderId: actor.userId, cmid: this.cmidOf(p), kind: 'system', body: JSON.stringify(body),
      at: this.clock.now(), requireMember: true, requireRole, effects,
    });
    if (!created) return;
    const conversation = await this.store.conversations.get(convId);
    const shared = await this.emitConversation(conversation!);
    const recipients = memberIdsOf(shared);
    this.events.emit({ type: 'message.new', conv_id: convId, message: messageView(message) }, recipients);
    for (const userId of removed) this.events.emit({ type: 'conversation.removed', conv_id: convId, user_id: userId }, [userId]);
  }

  private cmidOf(p: Record<string, unknown>): string {
    return p.cmid === undefined ? randomId(12) : str(p.cmid, 'cmid', { max: 64, pattern: CMID });
  }

  private async emitConversation(conversation: ConversationRecord): Promise<ConversationShared> {
    const shared = await this.shared(conversation);
    this.events.emit({ type: 'conversation.updated', conversation: shared }, memberIdsOf(shared));
    return shared;
  }

  private async requireMember(userId: number, convId: number): Promise<{ conversation: ConversationRecord; member: MemberRecord }> {
    const [conversation, member] = await Promise.all([
      this.store.conversations.get(convId), this.store.conversations.membership(convId, userId),
    ]);
    // Not found and not a member look the same, so ids cannot be probed.
    if (!conversation || !member || !member.active) throw new AppError('SB_NOT_MEMBER');
    return { conversation, member };
  }

  private async requireGroupMember(userId: number, convId: number) {
    const r = await this.requireMember(userId, convId);
    if (r.conversation.kind !== 'group') throw new AppError('SB_VALIDATION', 'conv_id: not a group');
    return r;
  }

  private async requireActiveUsers(ids: number[]) {
    const users = await this.store.users.byIds(ids);
    const missing = ids.filter((id) => !users.some((u) => u.id === id && !u.disabled));
    if (missing.length) throw new AppError('SB_NOT_FOUND', 'Some users do not exist or are disabled', { user_ids: missing });
    return users;
  }

  private async viewFor(conversation: ConversationRecord, userId: number): Promise<ConversationView> {
    const fresh = (await this.store.conversations.get(conversation.id))!;
    const member = await this.store.conversations.membership(conversation.id, userId);
    if (!member) throw new AppError('SB_NOT_MEMBER');
    return this.view(fresh, member);
  }

  private async shared(c: ConversationRecord, members?: MemberRecord[]): Promise<ConversationShared> {
    const active = (members ?? (await this.store.conversations.members(c.id))).filter((m) => m.active);
    const users = await this.store.users.byIds(active.map((m) => m.user_id));
    const names = new Map(users.map((u) => [u.id, u.name]));
    const last = c.last_seq > 0 ? await this.store.conversations.messageBySeq(c.id, c.last_seq) : null;
    const memberViews: MemberView[] = active
      .map((m) => ({ user_id: m.user_id, name: names.get(m.user_id) ?? '', role: m.role, read_seq: m.read_seq }))
      .sort((a, b) => a.user_id - b.user_id);
    return {
      id: c.id, kind: c.kind, title: c.title, notice: c.notice ?? '', owner_id: c.owner_id, last_seq: c.last_seq,
      last_message: last ? messageView(last) : null, created_at: c.created_at, members: memberViews,
    };
  }

  private async view(c: ConversationRecord, member: MemberRecord): Promise<ConversationView> {
    const shared = await this.shared(c);
    const unread = await this.store.conversations.unreadCount(c.id, member.user_id, member.read_seq);
    return { ...shared, read_seq: member.read_seq, unread, muted: member.muted };
  }
}

function memberIdsOf(c: ConversationShared): number[] {
  return c.members.map((m) => m.user_id);
}

function rank(m: MemberRecord): number {
  return m.role === 'owner' ? 0 : m.role === 'admin' ? 1 : 2;
}
