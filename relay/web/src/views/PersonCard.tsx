import { useEffect, useState } from 'preact/hooks';
import { useI18n, useSession } from '../context.js';
import type { Person } from '../directory.js';
import { errorText } from '../format.js';
import { Avatar } from '../components/Avatar.js';

/** One person's card: directory fields (masked ones read "***"), presence, and a button to chat. */
export function PersonCard({ id, byUser }: { id: number; byUser: boolean }) {
  const session = useSession();
  const i18n = useI18n();
  const { t } = i18n;
  const changed = session.people.value;
  void session.presence.value;
  const [p, setP] = useState<Person | null>(null);
  const [error, setError] = useState('');
  useEffect(() => {
    let live = true;
    (byUser ? session.directory.personOfUser(id) : session.directory.person(id)).then((found) => {
      if (!live) return;
      session.remember(found);
      setP(found);
      setError('');
    }, (e: unknown) => { if (live) setError(errorText(i18n, e)); });
    return () => { live = false; };
  }, [id, byUser, changed]);
  const uid = p?.userId ?? null;
  useEffect(() => {
    if (uid === null || session.client.connection !== 'online' || session.client.presence[uid]) return;
    session.client.queryPresence([uid]).then(() => { session.presence.value++; }, () => { /* the card shows no status */ });
  }, [uid]);
  const presence = uid !== null ? session.client.presence[uid] : undefined;
  const field = (label: string, v?: string) => (v === undefined ? null : (
    <div class="field">
      <dt>{label}</dt>
      {v === '***' ? <dd class="masked" aria-label={`${label}: ${t('confidential')}`}>{v}</dd> : <dd>{v}</dd>}
    </div>
  ));
  const chat = () => session.client.openDirect(uid!).then((c) => { location.hash = `#/chat/${c.id}`; }, (e: unknown) => alert(errorText(i18n, e)));
  return (
    <section class="panel person-card" aria-live="polite">
      {error ? <p class="form-error">{error}</p> : p ? (
        <>
          <header class="chat-head"><a class="icon-btn back" href="#/directory" aria-label={t('back')}>‹</a><h2>{t('directory')}</h2></header>
          <div class="card">
            <Avatar name={p.name} />
            <h3 class="card-name">{p.name}</h3>
            {presence ? <span class={`presence ${presence.status}`}>{t(presence.status)}</span> : null}
            <dl>
              {field(t('account'), p.account)}{field(t('englishName'), p.englishName)}{field(t('department'), p.department)}
              {field(t('title'), p.title)}{field(t('mobile'), p.mobile)}{field(t('phone'), p.phone)}{field(t('email'), p.email)}{field(t('employeeNo'), p.employeeNo)}
            </dl>
            {uid !== null && uid !== session.me ? <button type="button" class="primary" onClick={chat}>{t('sendMessage')}</button> : null}
          </div>
        </>
      ) : null}
    </section>
  );
}
