import { useEffect, useState } from 'preact/hooks';
import type { SessionView } from '../../../../shared/protocol/types.js';
import type { PinStatus, WipeView } from '../../../../shared/protocol/devices.js';
import { PIN_PATTERN } from './PinLock.js';
import { useI18n, useSession } from '../context.js';
import { errorText, rulesText } from '../format.js';
import { useConfirm } from '../components/Confirm.js';
import type { I18n, TextKey } from '../i18n.js';
import { SecondFactor, type MySecurity } from './SecondFactor.js';

/**
 * 账号与安全: change my password (auth.password, which signs my other devices out), my security PIN (devices.pin.*)
 * and my signed-in devices (auth.sessions), each but this one with 下线 (auth.endSession) and 抹除 (devices.wipe),
 * with the wipe orders and whether each device has acknowledged. The server decides what is mine; this view only
 * lists and asks.
 */
export function AccountSecurity() {
  const { t } = useI18n();
  const [devicesRev, setDevicesRev] = useState(0);
  return (
    <section class="panel account-security" aria-label={t('accountSecurity')}>
      <header class="chat-head"><a class="icon-btn back" href="#/chats" aria-label={t('back')}>‹</a><h2>{t('accountSecurity')}</h2></header>
      <div class="panel-body">
        <PasswordForm changed={() => setDevicesRev(devicesRev + 1)} />
        <SecondFactor rev={devicesRev} />
        <PinForm />
        <MyDevices rev={devicesRev} />
      </div>
    </section>
  );
}

function PasswordForm({ changed }: { changed(): void }) {
  const session = useSession();
  const i18n = useI18n();
  const { t } = i18n;
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  const [status, setStatus] = useState('');
  const [busy, setBusy] = useState(false);
  const [mine, setMine] = useState<MySecurity | null>(null);
  useEffect(() => {
    let live = true;
    // The rules are only shown: the server checks them. Not loading them leaves the form as it was.
    session.client.api.call('auth.security').then((m) => { if (live) setMine(m); }, () => undefined);
    return () => { live = false; };
  }, []);
  const submit = (e: Event) => {
    e.preventDefault();
    // The server checks the policy; the floor here saves a round trip and names the field.
    if (next.length < 8) return setStatus(t('passwordTooShort'));
    if (next !== again) return setStatus(t('passwordMismatch'));
    setBusy(true);
    setStatus('');
    session.client.api.call('auth.password', { current_password: current, new_password: next }).then(() => {
      setCurrent(''); setNext(''); setAgain('');
      setStatus(t('passwordChanged'));
      changed();
    }, (err: unknown) => {
      setStatus((err as { code?: string }).code === 'SB_BAD_CREDENTIALS' ? t('wrongCurrentPassword') : errorText(i18n, err));
    }).finally(() => setBusy(false));
  };
  return (
    <form class="password-form" onSubmit={submit}>
      <h3>{t('changePassword')}</h3>
      <label>{t('currentPassword')}<input type="password" name="current" autocomplete="current-password" required value={current} onInput={(e) => setCurrent(e.currentTarget.value)} /></label>
      <label>{t('newPassword')}<input type="password" name="new" autocomplete="new-password" required minLength={8} value={next} onInput={(e) => setNext(e.currentTarget.value)} /></label>
      <label>{t('confirmPassword')}<input type="password" name="again" autocomplete="new-password" required value={again} onInput={(e) => setAgain(e.currentTarget.value)} /></label>
      {mine ? (
        <p class="muted-text password-rules">
          {rulesText(i18n, mine.policy)}{mine.password_expires_at ? ` ${t('passwordExpires', i18n.fmtTime(mine.password_expires_at, true))}` : ''}
        </p>
      ) : null}
      <div class="actions"><span class="muted-text save-status" role="status">{status}</span><button type="submit" class="primary" disabled={busy}>{t('changePassword')}</button></div>
    </form>
  );
}

const deviceLabel = (i18n: I18n, s: Pick<SessionView, 'device_type' | 'device_name'>): string => {
  const type = i18n.t(`device${s.device_type}` as TextKey);
  return s.device_name && s.device_name !== s.device_type ? `${s.device_name} · ${type}` : type;
};

function MyDevices({ rev }: { rev: number }) {
  const session = useSession();
  const i18n = useI18n();
  const { t } = i18n;
  const [list, setList] = useState<SessionView[] | null>(null);
  const [status, setStatus] = useState('');
  const [reload, setReload] = useState(0);
  const [confirm, dialog] = useConfirm();
  useEffect(() => {
    let live = true;
    session.client.api.call('auth.sessions').then((l) => { if (live) setList(l); }, (err: unknown) => { if (live) setStatus(errorText(i18n, err)); });
    return () => { live = false; };
  }, [rev, reload]);
  const [wipes, setWipes] = useState<WipeView[]>([]);
  useEffect(() => {
    let live = true;
    session.client.api.call('devices.wipes').then((l) => { if (live) setWipes(l); }, () => { /* the list of orders is a detail; the devices show */ });
    // Pushed to my devices when an order is given or acknowledged.
    const off = session.client.on('event', (ev) => { if (ev.type === 'device.wipe') setWipes((l) => [ev.wipe, ...l.filter((w) => w.id !== ev.wipe.id)]); });
    return () => { live = false; off(); };
  }, [rev, reload]);
  const wipe = (s: SessionView) => confirm({
    text: t('wipeDeviceConfirm', deviceLabel(i18n, s)), ok: t('wipeDevice'), danger: true,
    run: () => session.client.api.call('devices.wipe', { session_id: s.id }).then(() => {
      setStatus(t('wipeOrdered', deviceLabel(i18n, s)));
      setReload(reload + 1);
    }, (err: unknown) => setStatus(errorText(i18n, err))),
  });
  const signOut = (s: SessionView) => confirm({
    text: t('signOutDeviceConfirm', deviceLabel(i18n, s)), ok: t('signOutDevice'), danger: true,
    run: () => session.client.api.call('auth.endSession', { session_id: s.id }).then(() => {
      setStatus(t('deviceSignedOut', deviceLabel(i18n, s)));
      setReload(reload + 1);
    }, (err: unknown) => setStatus(errorText(i18n, err))),
  });
  // This device first, then the most recently active.
  const sorted = (list ?? []).slice().sort((a, b) => Number(b.current ?? false) - Number(a.current ?? false) || b.last_seen_at - a.last_seen_at);
  return (
    <div class="my-devices">
      <h3>{t('myDevices')}</h3>
      <p class="muted-text">{t('myDevicesHint')}</p>
      <ul class="device-list" aria-label={t('myDevices')}>
        {sorted.map((s) => (
          <li key={s.id} class="device" data-session={s.id}>
            <div class="grow">
              <div class="device-name">{deviceLabel(i18n, s)}{s.current ? <span class="tag this-device">{t('thisDevice')}</span> : null}</div>
              <div class="muted-text">
                {t('lastSeen', i18n.fmtTime(s.last_seen_at, true))} · {t('signedInAt', i18n.fmtTime(s.created_at, true))}{s.ip ? ` · ${t('fromAddress', s.ip)}` : ''}
              </div>
            </div>
            {s.current ? null : (
              <div class="device-actions">
                <button type="button" class="danger sign-out-device" onClick={() => signOut(s)}>{t('signOutDevice')}</button>
                <button type="button" class="danger wipe-device" onClick={() => wipe(s)}>{t('wipeDevice')}</button>
              </div>
            )}
          </li>
        ))}
      </ul>
      <p class="muted-text save-status" role="status">{status}</p>
      {wipes.length ? (
        <div class="wipe-history">
          <h3>{t('wipeHistory')}</h3>
          <ul class="device-list" aria-label={t('wipeHistory')}>
            {wipes.map((w) => (
              <li key={w.id} class="device wipe" data-wipe={w.id} data-state={w.state}>
                <div class="grow">
                  <div class="device-name">{deviceLabel(i18n, { device_type: w.device_type, device_name: w.device_name })}</div>
                  <div class="muted-text">{i18n.fmtTime(w.ordered_at, true)} · {t(w.reason === 'admin' ? 'wipeByAdmin' : w.reason === 'pin' ? 'wipeByPin' : 'wipeBySelf')}</div>
                </div>
                <span class={`tag ${w.state}`}>{w.acked_at === null ? t('wipePending') : t('wipeDone', i18n.fmtTime(w.acked_at, true))}</span>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {dialog}
    </div>
  );
}

/** 安全密码: set, change (with the current one) or remove my PIN; this device then checks it locally on open. */
function PinForm() {
  const session = useSession();
  const i18n = useI18n();
  const { t } = i18n;
  const [st, setSt] = useState<PinStatus | null>(session.pinStatus);
  const [current, setCurrent] = useState('');
  const [pin, setPin] = useState('');
  const [again, setAgain] = useState('');
  const [status, setStatus] = useState('');
  useEffect(() => {
    let live = true;
    session.client.api.call('devices.pin').then((s) => { if (live) setSt(s); }, (err: unknown) => { if (live) setStatus(errorText(i18n, err)); });
    return () => { live = false; };
  }, [session]);
  const failed = (err: unknown) => setStatus((err as { code?: string }).code === 'SB_BAD_CREDENTIALS' ? t('pinWrongCurrent') : errorText(i18n, err));
  const save = (e: Event) => {
    e.preventDefault();
    if (!PIN_PATTERN.test(pin)) return setStatus(t('pinFormat'));
    if (pin !== again) return setStatus(t('pinMismatch'));
    session.client.api.call('devices.pin.set', { pin, current_pin: st?.set ? current : undefined }).then(async (next) => {
      await session.pinSet(pin, next);
      setSt(next); setCurrent(''); setPin(''); setAgain('');
      setStatus(t('pinSaved'));
    }, failed);
  };
  const remove = () => {
    session.client.api.call('devices.pin.clear', { current_pin: current }).then((next) => {
      session.pinCleared(next);
      setSt(next); setCurrent('');
      setStatus(t('pinRemoved'));
    }, failed);
  };
  if (!st) return <p class="muted-text" role="status">{status}</p>;
  return (
    <form class="pin-form" onSubmit={save}>
      <h3>{t('pinTitle')}</h3>
      <p class="muted-text">{st.set ? t('pinIsSet') : t('pinNotSet')} {t('pinHint', st.max_attempts)}</p>
      {st.set ? <label>{t('pinCurrent')}<input type="password" name="current_pin" inputMode="numeric" autocomplete="off" value={current} onInput={(e) => setCurrent(e.currentTarget.value)} /></label> : null}
      <label>{t('pinNew')}<input type="password" name="new_pin" inputMode="numeric" autocomplete="off" value={pin} onInput={(e) => setPin(e.currentTarget.value)} /></label>
      <label>{t('pinAgain')}<input type="password" name="again_pin" inputMode="numeric" autocomplete="off" value={again} onInput={(e) => setAgain(e.currentTarget.value)} /></label>
      <div class="actions">
        <span class="muted-text save-status" role="status">{status}</span>
        {st.set && !st.required ? <button type="button" class="remove-pin" onClick={remove}>{t('pinRemove')}</button> : null}
        <button type="submit" class="primary">{t('pinSave')}</button>
      </div>
    </form>
  );
}
