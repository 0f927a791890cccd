import { useState } from 'preact/hooks';
import { useI18n, useSession } from '../context.js';

/**
 * "有人@我" in an open conversation: the unread mentions as they were when it opened (reading clears the
 * count at once), each click scrolls to the oldest one left, paging older history in until it is shown.
 */
export function MentionJump({ convId }: { convId: number }) {
  const session = useSession();
  const { t } = useI18n();
  const [seqs, setSeqs] = useState<number[]>(() => [...(session.conv(convId)?.mention_seqs ?? [])]);
  if (!seqs.length) return null;
  const jump = async () => {
    const [target, ...rest] = seqs;
    setSeqs(rest);
    const list = document.querySelector<HTMLElement>('.chat .messages');
    const find = () => list?.querySelector<HTMLElement>(`[data-seq="${target}"]`) ?? null;
    // The list pages older messages in when scrolled to its top; keep asking until the mention is there.
    for (let i = 0; i < 60 && list && !find(); i++) {
      list.scrollTop = 0;
      list.dispatchEvent(new Event('scroll'));
      await new Promise((r) => setTimeout(r, 120));
    }
    const el = find();
    if (!el) return;
    el.scrollIntoView({ block: 'center' });
    el.classList.add('flash');
    setTimeout(() => el.classList.remove('flash'), 2000);
  };
  return (
    <button type="button" class="mention-jump" onClick={() => void jump()} aria-label={t('jumpToMention')}>
      ↑ {t('jumpToMention')}{seqs.length > 1 ? ` (${seqs.length})` : ''}
    </button>
  );
}
