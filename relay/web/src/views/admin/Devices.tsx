import { useState } from 'preact/hooks';
import { useSession } from '../../context.js';
import { useConfirm } from '../../components/Confirm.js';
import type { SessionView, TrustedDeviceView, UserView, WipeView } from './wire.js';
import { Outcome, Show } from './Parts.js';
import { useAdminI18n, useLoad } from './text.js';

/** 设备: sign-ins on new devices waiting for approval, a person's sessions (sign out, wipe), and wipe orders. */
export function Devices() {
  const session = useSession();
  const { t, refusal, stamp } = useAdminI18n();
  const api = session.client.api;
  const [ok, setOk] = useState('');
  const [error, setError] = useState('');
  const [person, setPerson] = useState<UserView | null>(null);
  const [approvals, reloadApprovals] = useLoad<TrustedDeviceView[]>(() => api.call('admin.deviceApprovals.list'), '');
  const [sessions, reloadSessions] = useLoad<SessionView[]>(() => (person ? api.call('admin.sessions.list', { user_id: person.id }) : Promise.resolve([])), String(person?.id ?? 0));
  const [wipes, reloadWipes] = useLoad<WipeView[]>(() => api.call('admin.devices.wipes', { limit: 50, ...(person ? { user_id: person.id } : {}) }), String(person?.id ?? 0));
  const [ask, dialog] = useConfirm();
  const run = (call: Promise<unknown>, done: string, after: () => void) => {
    setOk('');
    setError('');
    call.then(() => { setOk(done); after(); }, (e: unknown) => setError(refusal(e)));
  };
  const lookUp = (e: Event) => {
    e.preventDefault();
    const account = String(new FormData(e.currentTarget as HTMLFormElement).get('account') ?? '').trim();
    setError('');
    api.call('admin.users.list', { q: account, limit: 50 }).then((found: UserView[]) => {
      const u = found.find((x) => x.account === account) ?? null;
      setPerson(u);
      if (!u) setError(t('noSuchAccount', account));
    }, (err: unknown) => setError(refusal(err)));
  };
  return (
    <div class="admin-section devices-admin">
      <h4>{t('approvals')}</h4>
      <Show loaded={approvals} retry={reloadApprovals}>{(list) => (list.length ? (
        <ul class="admin-list approvals">
          {list.map((d) => (
            <li key={`${d.user_id}:${d.device_id}`} class="user-row approval-row">
              <span><b>{session.known(d.user_id) ?? `#${d.user_id}`}</b> {t(`device${d.device_type}`)} {d.device_name}
                <span class="muted-text"> {d.ip ?? ''} · {t('requestedAt', stamp(d.requested_at))}</span></span>
              <span class="row-actions">
                <button type="button" class="primary approve" onClick={() => run(api.call('admin.deviceApprovals.decide', { user_id: d.user_id, device_id: d.device_id, approve: true }), t('approved'), reloadApprovals)}>{t('approve')}</button>
                <button type="button" class="refuse" onClick={() => run(api.call('admin.deviceApprovals.decide', { user_id: d.user_id, device_id: d.device_id, approve: false }), t('refused'), reloadApprovals)}>{t('refuse')}</button>
              </span>
            </li>
          ))}
        </ul>
      ) : <p class="muted-text">{t('noApprovals')}</p>)}</Show>
      <Outcome ok={ok} error={error} />
      <h4>{t('personDevices')}</h4>
      <form class="inline-form" onSubmit={lookUp}>
        <input name="account" required maxLength={64} placeholder={t('personAccount')} aria-label={t('personAccount')} autoComplete="off" />
        <button type="submit">{t('lookUp')}</button>
      </form>
      {person ? (
        <Show loaded={sessions} retry={reloadSessions}>{(list) => (list.length ? (
          <ul class="admin-list sessions">
            {list.map((s) => (
              <li key={s.id} class="user-row">
                <span><b>{t(`device${s.device_type}`)}</b> {s.device_name}
                  <span class="muted-text"> {s.ip ?? ''} · {t('lastSeen', stamp(s.last_seen_at))}</span></span>
                <span class="row-actions">
                  <button type="button" class="revoke" onClick={() => run(api.call('admin.sessions.revoke', { session_id: s.id }), t('revoked'), reloadSessions)}>{t('revoke')}</button>
                  <button type="button" class="wipe danger-text" onClick={() => ask({
                    text: t('wipeConfirm', s.device_name), ok: t('wipe'), danger: true,
                    run: () => run(api.call('admin.devices.wipe', { session_id: s.id }), t('wipeOrdered'), () => { reloadSessions(); reloadWipes(); }),
                  })}>{t('wipe')}</button>
                </span>
              </li>
            ))}
          </ul>
        ) : <p class="muted-text">{t('nothing')}</p>)}</Show>
      ) : null}
      <h4>{t('wipes')}</h4>
      <Show loaded={wipes} retry={reloadWipes}>{(list) => (list.length ? (
        <ul class="admin-list wipes">
          {list.map((w) => (
            <li key={w.id} class="user-row">
              <span><b>{session.known(w.user_id) ?? `#${w.user_id}`}</b> {t(`device${w.device_type}`)} {w.device_name}</span>
              <span class="muted-text">{stamp(w.ordered_at)} · {t(w.state === 'pending' ? 'wipeStatus_pending' : 'wipeStatus_done')}</span>
            </li>
          ))}
        </ul>
      ) : <p class="muted-text">{t('nothing')}</p>)}</Show>
      {dialog}
    </div>
  );
}
