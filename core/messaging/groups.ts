import { AppError } from '../../shared/errors.js';
import type { ConversationView, SystemBody } from '../../shared/protocol/types.js';
import type { Actor } from '../actor.js';
import type { Clock, EventSink, Store } from '../ports.js';
import { messageView } from '../presenters.js';
import type { MessagingLimits, MessagingService } from './service.js';

type ConvParams = { conv_id: number; cmid?: string };

/**
 * Discussions (多人讨论) and the group rules that go beyond roles: converting a discussion into a group,
 * dissolving a group, muting everyone but the owner and admins (全员禁言).
 *
 * A discussion is a group (`kind: 'group'`) with `discussion: true`: no owner, no admins, every member a
 * plain member. Any member adds people, renames it, leaves it, or converts it into a group (and becomes its
 * owner). Nobody removes anyone from a discussion, as in Youdu's discussion groups and WeCom's chats before
 * they get an owner: whoever wants that converts it into a group first, where the owner and admins can.
 *
 * Every change is a system message (a seq, idempotent by cmid) whose effects apply in its transaction; the
 * store refuses messages the conversation's state forbids inside that same transaction (a dissolved group,
 * a plain member's message under mute-all), so no check here can be raced past.
 */
export class GroupsService {
  constructor(
    private readonly store: Store,
    private readonly messaging: MessagingService,
    private readonly events: EventSink,
    private readonly clock: Clock,
    private readonly limits: Pick<MessagingLimits, 'maxGroupMembers'>,
  ) {}

  /** A new discussion with the given people and me (from a 1:1, its two people and those added). */
  async createDiscussion(actor: Actor, p: { member_ids: number[]; title?: string; cmid?: string }): Promise<ConversationView> {
    const m = this.messaging;
    const cmid = m.cmidOf(p);
    const memberIds = m.members(p.member_ids, 'member_ids', this.limits.maxGroupMembers - 1).filter((id) => id !== actor.userId);
    if (memberIds.length < 2) {
      throw new AppError('SB_VALIDATION', 'member_ids: a discussion needs at least two other people (for one, open the 1:1)', { field: 'member_ids' });
    }
    const users = await m.requireActiveUsers(memberIds);
    const creator = await this.store.users.byId(actor.userId);
    const title = p.title?.trim() || [creator, ...users].slice(0, 3).map((u) => u!.name).join('、');
    const body: SystemBody = { event: 'discussion_created', actor_id: actor.userId, user_ids: memberIds, title };
    const { conversation, message, created } = await this.store.conversations.create({
      kind: 'group', discussion: true, title, ownerId: null, directKey: null,
      members: [actor.userId, ...memberIds].map((userId) => ({ userId, role: 'member' as const })),
      first: { senderId: actor.userId, cmid, body: JSON.stringify(body), at: this.clock.now() },
    });
    if (created) {
      const shared = await m.emitConversation(conversation);
      if (message) this.events.emit({ type: 'message.new', conv_id: conversation.id, message: messageView(message) }, shared.members.map((x) => x.user_id));
    }
    return m.viewFor(conversation, actor.userId);
  }

  /** 转为群聊: any member of a discussion makes it a group and becomes its owner. Already a group: nothing changes. */
  async convert(actor: Actor, p: ConvParams): Promise<ConversationView> {
    const { conversation } = await this.messaging.requireGroupMember(actor.userId, p.conv_id);
    if (conversation.discussion) {
      await this.messaging.systemChange(actor, p, p.conv_id, { event: 'converted', actor_id: actor.userId },
        { setDiscussion: false, setOwner: actor.userId });
    }
    return this.messaging.viewFor(conversation, actor.userId);
  }

  /**
   * 解散群聊: the owner ends the group for everyone. Members keep it, and its history and files, read-only:
   * nothing more can be sent or changed (SB_GROUP_DISSOLVED), but each may still leave it.
   */
  async dissolve(actor: Actor, p: ConvParams): Promise<ConversationView> {
    const { conversation, member } = await this.messaging.requireGroupMember(actor.userId, p.conv_id);
    if (member.role !== 'owner') throw new AppError('SB_FORBIDDEN', 'Only the owner can dissolve the group');
    if (!conversation.dissolved) {
      await this.messaging.systemChange(actor, p, p.conv_id, { event: 'dissolved', actor_id: actor.userId }, { dissolve: true }, ['owner']);
    }
    return this.messaging.viewFor(conversation, actor.userId);
  }

  /** 全员禁言: the owner or an admin mutes (or frees) everyone else; their sends are refused with SB_GROUP_MUTED. */
  async setMuteAll(actor: Actor, p: ConvParams & { mute_all: boolean }): Promise<ConversationView> {
    const { conversation, member } = await this.messaging.requireGroupMember(actor.userId, p.conv_id);
    if (conversation.dissolved) throw new AppError('SB_GROUP_DISSOLVED');
    if (member.role === 'member') {
      throw new AppError('SB_FORBIDDEN', conversation.discussion
        ? 'A discussion has no owner or admins; convert it into a group first'
        : 'Only the owner or a group admin can mute everyone');
    }
    if (conversation.mute_all !== p.mute_all) {
      await this.messaging.systemChange(actor, p, p.conv_id, { event: 'mute_all_changed', actor_id: actor.userId, mute_all: p.mute_all },
        { setMuteAll: p.mute_all }, ['owner', 'admin']);
    }
    return this.messaging.viewFor(conversation, actor.userId);
  }
}
