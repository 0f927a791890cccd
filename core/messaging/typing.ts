import type { Actor } from '../actor.js';
import type { EventSink, Store } from '../ports.js';
import type { RateLimiter } from '../rate-limit.js';
import type { MessagingService } from './service.js';

/** Past this many members nobody is told who is typing: in a big group it would be noise, and a fan-out per keystroke. */
export const TYPING_MAX_MEMBERS = 50;
const BIG_GROUP_CACHE_MS = 60_000;

/**
 * "正在输入…": a hint that a member is typing, pushed to the other members of a 1:1 or small group and never stored.
 * The client sends it at most every few seconds while typing; the hint is shown for a few seconds after the last one.
 */
export class TypingService {
  /** Conversations found too big, and until when that finding holds (a group rarely shrinks below the limit). */
  private readonly big = new Map<number, number>();

  constructor(private readonly store: Store, private readonly messaging: MessagingService, private readonly events: EventSink, private readonly limiter: RateLimiter, private readonly now: () => number) {}

  async typing(actor: Actor, p: { conv_id: number }): Promise<{ sent: boolean }> {
    const { conversation } = await this.messaging.requireMember(actor.userId, p.conv_id);
    if (conversation.kind === 'system' || conversation.dissolved) return { sent: false };
    await this.limiter.check(`typing:${actor.userId}`, 40, 60_000);
    if ((this.big.get(p.conv_id) ?? 0) > this.now()) return { sent: false };
    const members = await this.store.conversations.members(p.conv_id);
    const active = members.filter((m) => m.active);
    if (active.length > TYPING_MAX_MEMBERS) {
      if (this.big.size > 10_000) this.big.clear();
      this.big.set(p.conv_id, this.now() + BIG_GROUP_CACHE_MS);
      return { sent: false };
    }
    const others = active.map((m) => m.user_id).filter((id) => id !== actor.userId);
    if (others.length) this.events.emit({ type: 'typing', conv_id: p.conv_id, user_id: actor.userId }, others);
    return { sent: others.length > 0 };
  }
}
