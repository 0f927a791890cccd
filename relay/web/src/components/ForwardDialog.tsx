import { useState } from 'preact/hooks';
import { newCmid } from '../../../../shared/sdk/client.js';
import { useI18n, useSession } from '../context.js';
import { convTitle } from '../format.js';
import { failure } from '../message-actions.js';
import { Avatar } from './Avatar.js';

/** In multi-select, instead of the composer: how many are chosen, 逐条转发, 合并转发, cancel. */
export function SelectBar({ convId }: { convId: number }) {
  const { t } = useI18n();
  const { selecting, forwarding } = useSession().actions;
  const s = selecting.value;
  if (!s || s.convId !== convId) return null;
  const go = (mode: 'each' | 'bundle') => { forwarding.value = { convId, seqs: [...s.seqs].sort((a, b) => a - b), mode }; };
  return (
    <div class="select-bar" role="toolbar">
      <span class="muted-text">{t('nSelectedMsgs', s.seqs.length)}</span>
      <button type="button" class="forward-each" disabled={!s.seqs.length} onClick={() => go('each')}>{t('forwardEach')}</button>
      <button type="button" class="forward-bundle primary" disabled={!s.seqs.length} onClick={() => go('bundle')}>{t('forwardBundle')}</button>
      <button type="button" onClick={() => { selecting.value = null; }}>{t('cancel')}</button>
    </div>
  );
}

/** The tick of a message in multi-select. */
export function SelectBox({ seq, convId }: { seq: number; convId: number }) {
  const s = useSession().actions.selecting.value;
  if (!s || s.convId !== convId) return null;
  return <input type="checkbox" class="select-box" aria-label={String(seq)} checked={s.seqs.includes(seq)} tabIndex={-1} readOnly />;
}

/** Which conversations get the forwarded messages: a searchable list, then one request. */
export function ForwardDialog() {
  const session = useSession();
  const i18n = useI18n();
  const { t } = i18n;
  const { forwarding, selecting } = session.actions;
  const f = forwarding.value!;
  const [query, setQuery] = useState('');
  const [chosen, setChosen] = useState<ReadonlySet<number>>(new Set());
  const [busy, setBusy] = useState(false);
  const convs = session.conversations.value.filter((c) => !c.dissolved && convTitle(session, i18n, c).toLowerCase().includes(query.toLowerCase()));
  const toggle = (id: number, on: boolean) => setChosen((s) => { const n = new Set(s); if (on) n.add(id); else n.delete(id); return n; });
  const send = async () => {
    setBusy(true);
    try {
      await session.client.api.call('msg.forward', {
        from_conv_id: f.convId, seqs: [...f.seqs], to_conv_ids: [...chosen], mode: f.mode, cmid: newCmid().replace(/-/g, '').slice(0, 32),
      });
      forwarding.value = null;
      selecting.value = null;
      session.actions.showToast(t('forwarded'));
    } catch (e) {
      session.actions.showToast(failure(i18n, e));
    }
    setBusy(false);
  };
  return (
    <div class="overlay" onClick={(e) => { if (e.target === e.currentTarget) forwarding.value = null; }}>
      <div class="dialog forward-dialog" role="dialog" aria-modal="true" aria-label={t('forwardTo')} onKeyDown={(e) => { if (e.key === 'Escape') forwarding.value = null; }}>
        <h3>{t('forwardTo')}<span class="muted-text"> · {f.mode === 'bundle' ? t('forwardBundle') : t('forwardEach')} · {t('nSelectedMsgs', f.seqs.length)}</span></h3>
        <input type="search" class="search" placeholder={t('searchChats')} aria-label={t('searchChats')} value={query} onInput={(e) => setQuery(e.currentTarget.value)} />
        <ul class="picker-list">
          {convs.map((c) => {
            const title = convTitle(session, i18n, c);
            return (
              <li key={c.id}>
                <label class="pick">
                  <input type="checkbox" data-conv={c.id} checked={chosen.has(c.id)} onChange={(e) => toggle(c.id, e.currentTarget.checked)} />
                  <Avatar name={title} size="sm" /><span>{title}</span>
                </label>
              </li>
            );
          })}
        </ul>
        <div class="dialog-actions">
          <button type="button" onClick={() => { forwarding.value = null; }}>{t('cancel')}</button>
          <button type="button" class="primary forward-send" disabled={busy || chosen.size === 0} onClick={() => void send()}>{t('send')}{chosen.size ? ` (${chosen.size})` : ''}</button>
        </div>
      </div>
    </div>
  );
}
