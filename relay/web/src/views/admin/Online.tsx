import { useSession } from '../../context.js';
import { Show } from './Parts.js';
import { DEVICE_TYPES, type OnlineView } from './wire.js';
import { useAdminI18n, useLoad } from './text.js';

/** 在线: who in my scope is online now, counted by device type. */
export function Online() {
  const session = useSession();
  const { t } = useAdminI18n();
  const [loaded, reload] = useLoad<OnlineView>(() => session.client.api.call('admin.online', { limit: 500 }), '');
  return (
    <div class="admin-section online-admin">
      <div class="actions"><button type="button" onClick={reload}>{t('refresh')}</button></div>
      <Show loaded={loaded} retry={reload}>{(v) => (
        <>
          <p class="online-total">{t('onlineNow', v.total)}</p>
          <ul class="admin-counts" aria-label={t('byDevice')}>
            {DEVICE_TYPES.filter((d) => v.by_device[d]).map((d) => <li key={d}><b>{v.by_device[d]}</b> {t(`device${d}`)}</li>)}
          </ul>
          <h4>{t('onlinePeople')}</h4>
          {v.people.length ? (
            <ul class="admin-list">
              {v.people.map((p) => (
                <li key={p.user_id} class="user-row"><span><b>{p.name}</b> <span class="muted-text">{p.account}</span></span>
                  <span class="muted-text">{t(p.status)} · {p.devices.map((d) => t(`device${d}`)).join(' · ')}</span></li>
              ))}
            </ul>
          ) : <p class="muted-text">{t('nothing')}</p>}
        </>
      )}</Show>
    </div>
  );
}
