import { AppError } from '../../shared/errors.js';
import type { ConversationView, MentionAllPolicy, ReceiptPage } from '../../shared/protocol/types.js';
import type { Actor } from '../actor.js';
import type { Store } from '../ports.js';
import type { MessagingService } from '../messaging/service.js';

/**
 * Who may mention everyone in a group, and read receipts at the scale of large groups: "N 人未读" and the
 * who-has-read list come from the members' read cursors through an index, a page at a time, so a 5,000-member
 * group costs a range count per look rather than a pass over every member for every message shown.
 */
export class MentionsService {
  constructor(private readonly store: Store, private readonly messaging: MessagingService) {}

  /** The owner decides whether plain members may @所有人 ('everyone') or only the owner and admins ('admins'). */
  async setMentionAll(actor: Actor, p: { conv_id: number; policy: MentionAllPolicy }): Promise<ConversationView> {
    const { conversation, member } = await this.messaging.requireGroupMember(actor.userId, p.conv_id);
    if (conversation.dissolved) throw new AppError('SB_GROUP_DISSOLVED');
    if (conversation.discussion) throw new AppError('SB_FORBIDDEN', 'A discussion has no owner; every member may mention everyone');
    if (member.role !== 'owner') throw new AppError('SB_FORBIDDEN', 'Only the owner decides who may mention everyone');
    const { changed } = await this.store.mentions.setPolicy(p.conv_id, p.policy);
    if (changed) await this.messaging.emitConversation((await this.store.conversations.get(p.conv_id))!);
    return this.messaging.viewFor(conversation, actor.userId);
  }

  /** Read by how many of how many, and a page of those who have (state 'read') or have not ('unread'), by user id. */
  async receipts(actor: Actor, p: { conv_id: number; seq: number; state?: 'read' | 'unread'; after?: number; limit?: number }): Promise<ReceiptPage> {
    const { conv_id: convId, seq } = p;
    const me = await this.store.conversations.membership(convId, actor.userId);
    if (!me || !me.active) throw new AppError('SB_NOT_MEMBER');
    const message = await this.store.conversations.messageBySeq(convId, seq);
    if (!message) throw new AppError('SB_NOT_FOUND', 'No message with that seq');
    const limit = p.limit ?? 50;
    const [counts, ids] = await Promise.all([
      this.store.receipts.count(convId, seq, message.sender_id),
      this.store.receipts.page(convId, seq, message.sender_id, (p.state ?? 'read') === 'read', p.after ?? 0, limit + 1),
    ]);
    const pageIds = ids.slice(0, limit);
    const names = new Map((await this.store.users.byIds(pageIds)).map((u) => [u.id, u.name]));
    return {
      conv_id: convId, seq, read: counts.read, of: counts.of,
      users: pageIds.map((id) => ({ user_id: id, name: names.get(id) ?? '' })),
      next: ids.length > limit ? pageIds[pageIds.length - 1]! : null,
    };
  }
}
