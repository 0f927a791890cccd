import { useState } from 'preact/hooks';
import { useI18n, useSession } from '../context.js';
import { errorText } from '../format.js';
import { PeoplePicker, useSelection } from '../components/PeoplePicker.js';

const NONE: ReadonlySet<number> = new Set();
type To = 'all' | 'depts' | 'people';

/** 发送广播: an administrator's simple form (title, text, to everyone, departments or people); the server checks the scope. */
export function SendBroadcast() {
  const session = useSession();
  const i18n = useI18n();
  const { t } = i18n;
  const [to, setTo] = useState<To>('people');
  const [selected, toggle] = useSelection();
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState('');
  const [error, setError] = useState('');
  const submit = (e: Event) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    const field = (k: string) => String(form.get(k) ?? '').trim();
    const depts = field('depts').split(/[,，\s]+/).filter(Boolean).map(Number);
    const target = to === 'all' ? { all: true } : to === 'depts' ? { dept_ids: depts } : { user_ids: [...selected] };
    setBusy(true);
    setError('');
    session.client.api.call('admin.broadcast.send', { title: field('title'), text: field('text'), ...target }).then((b) => {
      setBusy(false);
      setStatus(t('broadcastSent', b.delivered, b.total));
      (e.target as HTMLFormElement).reset();
    }, (err: unknown) => {
      setBusy(false);
      setError(errorText(i18n, err));
    });
  };
  const choice = (value: To, label: string) => (
    <label class="choice"><input type="radio" name="to" value={value} checked={to === value} onChange={() => setTo(value)} /> {label}</label>
  );
  return (
    <form class="panel send-broadcast" onSubmit={submit}>
      <header class="chat-head"><a class="icon-btn back" href="#/chats" aria-label={t('back')}>‹</a><h2>{t('sendBroadcast')}</h2></header>
      <div class="panel-body">
        <input name="title" placeholder={t('broadcastTitle')} aria-label={t('broadcastTitle')} maxLength={200} required />
        <textarea name="text" class="broadcast-input" placeholder={t('broadcastText')} aria-label={t('broadcastText')} rows={5} required />
        <fieldset class="choices"><legend>{t('broadcastTo')}</legend>
          {choice('people', t('people'))}{choice('depts', t('departments'))}{choice('all', t('everyone'))}
        </fieldset>
        {to === 'depts' ? <input name="depts" placeholder={t('deptIds')} aria-label={t('deptIds')} inputMode="numeric" required /> : null}
        {to === 'people' ? <PeoplePicker selected={selected} exclude={NONE} onToggle={toggle} /> : null}
        <p class="form-error" role="alert">{error}</p>
        <p class="muted-text" role="status">{status}</p>
        <div class="actions">
          <a class="button" href="#/chats">{t('cancel')}</a>
          <button type="submit" class="primary" disabled={busy || (to === 'people' && !selected.size)}>{t('send')}</button>
        </div>
      </div>
    </form>
  );
}
