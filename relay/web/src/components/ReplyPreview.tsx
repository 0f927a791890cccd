import type { MessageView, Quote } from '../../../../shared/protocol/types.js';
import { useI18n, useSession } from '../context.js';
import { nameOf } from '../format.js';

/** The short text a quote shows of a message held here (the server builds the stored one the same way). */
export function excerpt(m: MessageView): string {
  const b = m.body;
  const text = 'text' in b ? b.text : 'file' in b ? b.file.name : 'bundle' in b ? b.bundle.title : '';
  return text.replace(/\s+/g, ' ').trim().slice(0, 100);
}

/** Above the composer while a reply is being written: whom and what it answers, and a way out. */
export function ReplyPreview({ convId }: { convId: number }) {
  const session = useSession();
  const i18n = useI18n();
  const { replyTo } = session.actions;
  const m = replyTo.value[convId];
  if (!m) return null;
  const cancel = () => { const { [convId]: _gone, ...rest } = replyTo.value; replyTo.value = rest; };
  return (
    <div class="reply-preview" role="status">
      <div class="reply-text">
        <strong>{i18n.t('replyingTo', nameOf(session, i18n, m.sender_id, session.conv(convId)))}</strong>
        <span>{excerpt(m)}</span>
      </div>
      <button type="button" class="icon-btn" aria-label={i18n.t('cancelReply')} title={i18n.t('cancelReply')} onClick={cancel}>×</button>
    </div>
  );
}

/** The quote inside a reply's bubble; a recalled original shows as recalled. */
export function QuoteBlock({ q }: { q: Quote }) {
  const { t } = useI18n();
  return (
    <div class={`quote${q.kind === 'recalled' ? ' is-recalled' : ''}`} data-quote-seq={q.seq}>
      {q.kind === 'recalled' ? t('quoteRecalled') : <><strong>{q.sender_name}</strong>{': '}{q.excerpt}</>}
    </div>
  );
}
