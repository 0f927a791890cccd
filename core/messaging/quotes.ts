import { AppError } from '../../shared/errors.js';
import type { BundleBody, FileBody, MessageView, Quote, TextBody } from '../../shared/protocol/types.js';
import type { MessageRecord, Store } from '../ports.js';
import { messageView } from '../presenters.js';

/** A quote's excerpt, at most this many characters (code points). */
export const EXCERPT_CHARS = 100;

/** The short text a quote or a notification shows of a message. */
export function excerptOf(view: Pick<MessageView, 'kind' | 'body'>): string {
  let text = '';
  if (view.kind === 'text') text = (view.body as TextBody).text;
  else if (view.kind === 'file') text = (view.body as FileBody).file.name;
  else if (view.kind === 'bundle') text = (view.body as BundleBody).bundle.title;
  const chars = [...text.replace(/\s+/g, ' ').trim()];
  return chars.length > EXCERPT_CHARS ? chars.slice(0, EXCERPT_CHARS - 1).join('') + '…' : chars.join('');
}

/**
 * Messages as every API shows them. A reply stores its quote (built once, when sent); a quote of a message
 * recalled since then shows as recalled, decided here when read, so no API can show recalled content.
 */
export class MessagePresenter {
  constructor(private readonly store: Store) {}

  async views(records: MessageRecord[]): Promise<MessageView[]> {
    const views = records.map(messageView);
    const quoting = views.filter((v) => v.kind === 'text' && (v.body as TextBody).reply_to);
    if (quoting.length === 0) return views;
    const pairs = [...new Map(quoting.map((v) => {
      const seq = (v.body as TextBody).reply_to!.seq;
      return [`${v.conv_id}:${seq}`, { convId: v.conv_id, seq }];
    })).values()];
    const recalled = new Set((await this.store.conversations.messagesBySeqs(pairs))
      .filter((m) => m.kind === 'recalled').map((m) => `${m.conv_id}:${m.seq}`));
    for (const v of quoting) {
      const body = v.body as TextBody;
      if (recalled.has(`${v.conv_id}:${body.reply_to!.seq}`)) body.reply_to = recalledQuote(body.reply_to!);
    }
    return views;
  }

  async one(record: MessageRecord): Promise<MessageView> {
    return (await this.views([record]))[0]!;
  }

  /** The quote a reply to `seq` carries; the caller has checked membership. Refuses recalled, missing and system messages. */
  async quote(convId: number, seq: number): Promise<Quote> {
    const m = await this.store.conversations.messageBySeq(convId, seq);
    if (!m) throw new AppError('SB_NOT_FOUND', 'body.reply_to: no such message in this conversation', { field: 'body.reply_to' });
    if (m.kind === 'recalled') throw new AppError('SB_RECALLED', 'body.reply_to: that message was recalled', { field: 'body.reply_to' });
    if (m.kind === 'system') throw new AppError('SB_VALIDATION', 'body.reply_to: a system message cannot be replied to', { field: 'body.reply_to' });
    const sender = await this.store.users.byId(m.sender_id);
    const view = messageView(m);
    return { seq: m.seq, sender_id: m.sender_id, sender_name: sender?.name ?? '', kind: m.kind, excerpt: excerptOf(view) };
  }
}

/** What a quote of a recalled message keeps: who and where, not what. */
export function recalledQuote(q: Quote): Quote {
  return { ...q, kind: 'recalled', excerpt: '' };
}
