import type { FileBody, MessageView } from '../../shared/protocol/types.js';
import type { Actor } from '../actor.js';
import type { MessagingService } from '../messaging/service.js';
import type { Store } from '../ports.js';

export interface LibraryItem {
  seq: number;
  sender_id: number;
  created_at: number;
  file: FileBody['file'];
}

/**
 * 文件 of a conversation: every file its messages carry, newest first, for its members. Built from the file uses
 * that sending and forwarding record (recalling removes them), read through the same presenter as history, so
 * a recalled message is never listed and what a member sees here is what they see in the conversation.
 */
export class FileLibraryService {
  constructor(private readonly store: Store, private readonly messaging: MessagingService) {}

  async list(actor: Actor, p: { conv_id: number; before?: number; limit?: number }): Promise<{ items: LibraryItem[]; more: boolean }> {
    await this.messaging.requireMember(actor.userId, p.conv_id);
    const limit = p.limit ?? 50;
    const uses = await this.store.files.usesIn(p.conv_id, { beforeSeq: p.before, limit: limit + 1 });
    const more = uses.length > limit;
    const seqs = [...new Set(uses.slice(0, limit).map((u) => u.seq))];
    const records = await this.store.conversations.messagesBySeqs(seqs.map((seq) => ({ convId: p.conv_id, seq })));
    const views = new Map((await this.messaging.present.views(records)).map((v) => [v.seq, v]));
    const items: LibraryItem[] = [];
    for (const seq of seqs) {
      const v = views.get(seq);
      if (v) for (const file of filesOf(v)) items.push({ seq, sender_id: v.sender_id, created_at: v.created_at, file });
    }
    return { items, more };
  }
}

/** The files a message shows: its own, or those inside a merged-forward bundle (at any depth). */
function filesOf(v: Pick<MessageView, 'kind' | 'body'>): FileBody['file'][] {
  const body = v.body as unknown as Record<string, unknown>;
  if (v.kind === 'file' && 'file' in body) return [(body as unknown as FileBody).file];
  if (v.kind !== 'bundle' || !('bundle' in body)) return [];
  const out: FileBody['file'][] = [];
  const walk = (b: { bundle: { items: { kind: string; body: unknown }[] } }) => {
    for (const item of b.bundle.items) {
      if (item.kind === 'file') out.push((item.body as FileBody).file);
      else if (item.kind === 'bundle') walk(item.body as { bundle: { items: { kind: string; body: unknown }[] } });
    }
  };
  walk(body as unknown as { bundle: { items: { kind: string; body: unknown }[] } });
  return out;
}
