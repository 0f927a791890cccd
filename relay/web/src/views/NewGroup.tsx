import { useState } from 'preact/hooks';
import { useI18n, useSession } from '../context.js';
import { errorText } from '../format.js';
import { Avatar } from '../components/Avatar.js';
import { DeptPicker } from '../components/DeptPicker.js';
import { PeoplePicker, useSelection } from '../components/PeoplePicker.js';

const NONE: ReadonlySet<number> = new Set();

/** A new group: pick people by search or by department (left), see and trim the choice (right). */
export function NewGroup() {
  const session = useSession();
  const i18n = useI18n();
  const { t } = i18n;
  const [selected, toggle] = useSelection();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const submit = (e: Event) => {
    e.preventDefault();
    if (!selected.size) return;
    const title = String(new FormData(e.currentTarget as HTMLFormElement).get('title') ?? '').trim();
    setBusy(true);
    session.client.createGroup(title, [...selected]).then((c) => { location.hash = `#/chat/${c.id}`; }, (err: unknown) => {
      setBusy(false);
      setError(errorText(i18n, err));
    });
  };
  return (
    <form class="panel new-group" onSubmit={submit}>
      <header class="chat-head"><a class="icon-btn back" href="#/chats" aria-label={t('back')}>‹</a><h2>{t('newGroup')}</h2></header>
      <div class="panel-body">
        <input name="title" placeholder={t('groupName')} aria-label={t('groupName')} maxLength={100} />
        <div class="pick-columns">
          <div class="pick-from">
            <h3>{t('selectPeople')}</h3>
            <PeoplePicker selected={selected} exclude={NONE} onToggle={toggle} />
            <DeptPicker selected={selected} onToggle={toggle} />
          </div>
          <div class="pick-chosen">
            <h3>{t('selectedPeople')} <span class="muted-text" aria-live="polite">{t('selected', selected.size)}</span></h3>
            <ul class="chosen-list" aria-label={t('selectedPeople')}>
              {[...selected].map((id) => {
                const name = session.known(id) ?? `#${id}`;
                return (
                  <li key={id} data-user={id}>
                    <Avatar name={name} size="sm" /><span class="person-name">{name}</span>
                    <button type="button" class="icon-btn unselect" aria-label={`${t('unselect')} ${name}`} onClick={() => toggle(id, false)}>×</button>
                  </li>
                );
              })}
            </ul>
          </div>
        </div>
        <p class="form-error" role="alert">{error}</p>
        <div class="actions">
          <a class="button" href="#/chats">{t('cancel')}</a>
          <button type="submit" class="primary" disabled={busy || !selected.size}>{t('create')}</button>
        </div>
      </div>
    </form>
  );
}
