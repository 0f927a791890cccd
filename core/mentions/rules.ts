import { AppError } from '../../shared/errors.js';
import type { AppendInput, ConversationRecord, MemberRecord, Store } from '../ports.js';
import type { RateLimiter } from '../rate-limit.js';

export interface MentionLimits {
  /** From this many members, @所有人 is rate-limited per group. */
  mentionAllLargeGroup: number;
  /** @所有人 per large group per hour. */
  mentionAllPerHour: number;
}

/** At most this many people named in one message (the schema's cap too). */
export const MAX_MENTIONS = 100;
/** Unread mention seqs listed per conversation view; the count goes on beyond them. */
export const MENTION_SEQS_LISTED = 100;

/**
 * The rules of a text message's mentions, decided before it is stored: everyone named must be an active
 * member (SB_MENTION_NOT_MEMBER names those who are not), @所有人 only in groups, by the owner and admins
 * unless the owner opened it to every member (conv.setMentionAll), and in a large group at most
 * `mentionAllPerHour` times an hour. Returns what the store keeps with the message.
 */
export async function checkMentions(
  store: Store, limiter: RateLimiter, limits: MentionLimits,
  sender: MemberRecord, conversation: ConversationRecord, body: { mentions?: number[]; mention_all?: boolean },
): Promise<AppendInput['mentions']> {
  const userIds = [...new Set(body.mentions ?? [])].filter((id) => id !== sender.user_id);
  const all = body.mention_all === true;
  if (userIds.length === 0 && !all) return undefined;
  if (userIds.length) {
    const members = new Set(await store.mentions.activeMembers(conversation.id, userIds));
    const outside = userIds.filter((id) => !members.has(id));
    if (outside.length) throw new AppError('SB_MENTION_NOT_MEMBER', undefined, { user_ids: outside });
  }
  if (all) {
    if (conversation.kind !== 'group') throw new AppError('SB_VALIDATION', 'body.mention_all: only in a group', { field: 'body.mention_all' });
    // A discussion has no owner or admins: any of its members may.
    const allowed = sender.role !== 'member' || conversation.discussion || conversation.mention_all_policy === 'everyone';
    if (!allowed) throw new AppError('SB_FORBIDDEN', 'Only the owner or a group admin can mention everyone in this group');
    if (await store.mentions.activeCount(conversation.id) >= limits.mentionAllLargeGroup) {
      await limiter.check(`mention-all:${conversation.id}`, limits.mentionAllPerHour, 3_600_000);
    }
  }
  return { userIds, all };
}
