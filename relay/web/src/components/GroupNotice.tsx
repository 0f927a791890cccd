import { useState } from 'preact/hooks';
import { newCmid } from '../../../../shared/sdk/client.js';
import type { ConversationView } from '../../../../shared/protocol/types.js';
import { useI18n, useSession } from '../context.js';

/** The notice board (群公告): every member reads it; the owner and admins edit it (an empty one clears it). */
export function GroupNotice({ c, canEdit, act }: { c: ConversationView; canEdit: boolean; act(p: Promise<unknown>): Promise<void> }) {
  const session = useSession();
  const { t } = useI18n();
  /** The text being edited; null when not editing. */
  const [draft, setDraft] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const save = (e: Event) => {
    e.preventDefault();
    setBusy(true);
    void act(session.client.api.call('conv.notice', { conv_id: c.id, notice: (draft ?? '').trim(), cmid: newCmid() }).then(() => setDraft(null)))
      .finally(() => setBusy(false));
  };
  return (
    <section class="info-section notice" aria-labelledby="notice-h">
      <div class="section-head">
        <h3 id="notice-h">{t('notice')}</h3>
        {canEdit && draft === null ? <button type="button" class="link-btn edit-notice" onClick={() => setDraft(c.notice)}>{t('editNotice')}</button> : null}
      </div>
      {draft === null
        ? <p class={c.notice ? 'notice-text' : 'notice-text empty-note'}>{c.notice || t('noticeEmpty')}</p>
        : (
          <form class="notice-form" onSubmit={save}>
            <textarea class="notice-input" rows={4} maxLength={2000} value={draft} placeholder={t('noticePlaceholder')} aria-label={t('notice')}
              onInput={(e) => setDraft(e.currentTarget.value)} />
            <div class="actions">
              <button type="button" onClick={() => setDraft(null)}>{t('cancel')}</button>
              <button type="submit" class="primary" disabled={busy}>{t('save')}</button>
            </div>
          </form>
          )}
    </section>
  );
}
