import { useEffect, useState } from 'preact/hooks';
import type { TrustedDeviceView } from '../../../../shared/protocol/types.js';
import { useI18n, useSession } from '../context.js';
import { errorText } from '../format.js';
import type { TextKey } from '../i18n.js';

/**
 * 登录授权 on a device already signed in: a sign-in of mine on a new device that waits for approval shows here
 * (pushed as device.approval, and fetched on start), to approve or refuse. The server decides whose it is.
 */
export function DeviceApprovals() {
  const session = useSession();
  const i18n = useI18n();
  const { t } = i18n;
  const [waiting, setWaiting] = useState<TrustedDeviceView[]>([]);
  const [error, setError] = useState('');
  useEffect(() => {
    let live = true;
    const load = () => session.client.api.call('auth.deviceApprovals').then((l) => { if (live) setWaiting(l); }, () => undefined); // nothing shown until it answers
    load();
    const off = session.client.on('event', (e) => { if (e.type === 'device.approval') void load(); });
    return () => { live = false; off(); };
  }, []);
  const first = waiting[0];
  if (!first) return null;
  const decide = (approve: boolean) => session.client.api.call('auth.decideDevice', { device_id: first.device_id, approve }).then(
    () => { setError(''); setWaiting(waiting.slice(1)); },
    (err: unknown) => setError(errorText(i18n, err)),
  );
  const name = `${first.device_name} · ${t(`device${first.device_type}` as TextKey)}`;
  return (
    <div class="modal-backdrop device-approval">
      <div class="modal" role="alertdialog" aria-modal="true" aria-labelledby="approval-text" data-device={first.device_id}>
        <p id="approval-text"><strong>{t('newDeviceSignIn')}</strong><br />{t('newDeviceAsk', name, first.ip ?? '—', i18n.fmtTime(first.requested_at, true))}</p>
        {error ? <p class="form-error" role="alert">{error}</p> : null}
        <div class="actions">
          <button type="button" class="danger deny" onClick={() => void decide(false)}>{t('denyDevice')}</button>
          <button type="button" class="primary approve" onClick={() => void decide(true)}>{t('approveDevice')}</button>
        </div>
      </div>
    </div>
  );
}
