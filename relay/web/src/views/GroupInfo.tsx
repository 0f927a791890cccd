import { useEffect, useState } from 'preact/hooks';
import { newCmid } from '../../../../shared/sdk/client.js';
import { useI18n, useSession } from '../context.js';
import { errorText } from '../format.js';
import { Avatar } from '../components/Avatar.js';
import { PeoplePicker, useSelection } from '../components/PeoplePicker.js';

/**
 * Members and settings of a conversation: rename, notice, mute, remove, add, leave. Every change goes to the
 * server and comes back as an event, so the screen (and every member's) shows it from the SDK's state.
 */
export function GroupInfo({ convId }: { convId: number }) {
  const session = useSession();
  const i18n = useI18n();
  const { t } = i18n;
  void session.rev.value;
  const c = session.conv(convId);
  const [error, setError] = useState('');
  /** The name being typed, until it is saved; null shows the current one. */
  const [title, setTitle] = useState<string | null>(null);
  /** The mute switch as clicked, until the server's event says the same. */
  const [muting, setMuting] = useState<boolean | null>(null);
  const [adding, toggleAdding, clearAdding] = useSelection();
  /** Remounts the add-members section (closed, search cleared) after people were added. */
  const [added, setAdded] = useState(0);
  useEffect(() => { if (muting !== null && c?.muted === muting) setMuting(null); });
  if (!c) return <div class="empty"><a href="#/chats">{t('back')}</a></div>;

  const api = session.client.api;
  const fail = (e: unknown) => setError(errorText(i18n, e));
  const act = (p: Promise<unknown>) => p.then(() => setError(''), fail);
  const mine = c.members.find((m) => m.user_id === session.me);
  const canManage = mine?.role === 'owner' || mine?.role === 'admin';
  const group = c.kind === 'group';
  const roleName = (r: string) => (r === 'owner' ? t('owner') : r === 'admin' ? t('admin') : '');
  const heading = group ? t('groupInfo') : t('chatInfo');
  const rename = (e: Event) => {
    e.preventDefault();
    act(api.call('conv.rename', { conv_id: convId, title: (title ?? c.title).trim(), cmid: newCmid() }).then(() => setTitle(null)));
  };
  const mute = (on: boolean) => {
    setMuting(on);
    api.call('conv.mute', { conv_id: convId, muted: on }).then(() => setError(''), (e: unknown) => { setMuting(null); fail(e); });
  };
  const addMembers = () => act(api.call('conv.addMembers', { conv_id: convId, user_ids: [...adding], cmid: newCmid() }).then(() => { clearAdding(); setAdded((n) => n + 1); }));
  const leave = () => {
    if (!confirm(t('leaveConfirm'))) return;
    api.call('conv.leave', { conv_id: convId, cmid: newCmid() }).then(() => { location.hash = '#/chats'; }, fail);
  };
  return (
    <section class="panel group-info" aria-label={heading}>
      <header class="chat-head"><a class="icon-btn back" href={`#/chat/${convId}`} aria-label={t('back')}>‹</a><h2>{heading}</h2></header>
      <div class="panel-body">
        {group ? (
          <form class="row" onSubmit={rename}>
            <label class="grow">{t('groupName')}
              <input value={title ?? c.title} aria-label={t('groupName')} maxLength={100} disabled={!canManage} onInput={(e) => setTitle(e.currentTarget.value)} />
            </label>
            {canManage ? <button type="submit">{t('save')}</button> : null}
          </form>
        ) : null}
        {group && c.notice ? <section class="notice"><h3>{t('notice')}</h3><p>{c.notice}</p></section> : null}
        <label class="switch"><input type="checkbox" checked={muting ?? c.muted} onChange={(e) => mute(e.currentTarget.checked)} />{t('mute')}</label>
        <h3>{t('members', c.members.length)}</h3>
        <ul class="member-list">
          {c.members.map((m) => (
            <li key={m.user_id}>
              <Avatar name={m.name} size="sm" />
              <a href={`#/directory/user/${m.user_id}`}>{m.name}</a>
              {roleName(m.role) ? <span class="tag">{roleName(m.role)}</span> : null}
              {group && canManage && m.user_id !== session.me && m.role !== 'owner'
                ? <button type="button" class="small" aria-label={`${t('remove')} ${m.name}`}
                  onClick={() => act(api.call('conv.removeMember', { conv_id: convId, user_id: m.user_id, cmid: newCmid() }))}>{t('remove')}</button>
                : null}
            </li>
          ))}
        </ul>
        {group ? (
          <details class="add-members" key={`add${added}`}>
            <summary>{t('addMembers')}</summary>
            <PeoplePicker selected={adding} exclude={new Set(c.members.map((m) => m.user_id))} onToggle={toggleAdding} />
            <button type="button" class="primary" disabled={!adding.size} onClick={addMembers}>{t('addMembers')}</button>
          </details>
        ) : null}
        {group ? <button type="button" class="danger" onClick={leave}>{t('leave')}</button> : null}
        <p class="form-error" role="alert">{error}</p>
      </div>
    </section>
  );
}
