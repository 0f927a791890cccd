import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { useI18n, useSession, useStore } from '../context.js';
import { errorText } from '../format.js';
import { wipeOrderOf } from '../wipe.js';

export const PIN_PATTERN = /^[0-9]{4,12}$/;

/**
 * The security PIN (安全密码) before the app: checked on open (on this device when it knows the PIN, else by the
 * server), set first when the policy requires one. The policy's number of wrong entries in a row wipes the device.
 */
export function PinGate({ children }: { children: ComponentChildren }) {
  const session = useSession();
  const mode = session.pinMode.value;
  useEffect(() => { void session.checkPin(); }, [session]);
  if (mode === 'open') return <>{children}</>;
  if (mode === 'checking') return <div class="signin-page pin-page" aria-busy="true" />;
  return mode === 'setup' ? <PinSetup /> : <PinUnlock />;
}

function PinUnlock() {
  const store = useStore();
  const session = useSession();
  const i18n = useI18n();
  const { t } = i18n;
  const [pin, setPin] = useState('');
  const [status, setStatus] = useState('');
  const [busy, setBusy] = useState(false);
  const max = session.pinMax;
  const submit = (e: Event) => {
    e.preventDefault();
    setBusy(true);
    session.tryPin(pin).then((r) => {
      setPin('');
      if (r.ok) return;
      if (r.left <= 0) { void store.pinWipe(session); return; }
      setStatus(t('pinWrong', r.left));
    }, (err: unknown) => {
      const wipe = wipeOrderOf(err);
      if (wipe !== null) { void store.wipe(session, wipe); return; }
      setStatus(errorText(i18n, err));
    }).finally(() => setBusy(false));
  };
  return (
    <div class="signin-page pin-page">
      <form class="signin pin-lock" onSubmit={submit}>
        <h1>{t('pinTitle')}</h1>
        <label>{t('pinEnter')}<input type="password" name="pin" inputMode="numeric" autocomplete="off" required autoFocus value={pin} onInput={(e) => setPin(e.currentTarget.value)} /></label>
        <p class="muted-text">{t('pinWarning', max)}</p>
        <p class="form-error" role="alert">{status}</p>
        <button type="submit" class="primary" disabled={busy}>{t('pinUnlock')}</button>
        <button type="button" onClick={() => void store.signOut(true)}>{t('signOut')}</button>
      </form>
    </div>
  );
}

function PinSetup() {
  const session = useSession();
  const i18n = useI18n();
  const { t } = i18n;
  const [pin, setPin] = useState('');
  const [again, setAgain] = useState('');
  const [status, setStatus] = useState('');
  const submit = (e: Event) => {
    e.preventDefault();
    if (!PIN_PATTERN.test(pin)) return setStatus(t('pinFormat'));
    if (pin !== again) return setStatus(t('pinMismatch'));
    session.client.api.call('devices.pin.set', { pin }).then((st) => session.pinSet(pin, st), (err: unknown) => setStatus(errorText(i18n, err)));
  };
  return (
    <div class="signin-page pin-page">
      <form class="signin pin-setup" onSubmit={submit}>
        <h1>{t('pinSetTitle')}</h1>
        <p class="muted-text">{t('pinRequired')}</p>
        <label>{t('pinNew')}<input type="password" name="pin" inputMode="numeric" autocomplete="off" required value={pin} onInput={(e) => setPin(e.currentTarget.value)} /></label>
        <label>{t('pinAgain')}<input type="password" name="again" inputMode="numeric" autocomplete="off" required value={again} onInput={(e) => setAgain(e.currentTarget.value)} /></label>
        <p class="form-error" role="alert">{status}</p>
        <button type="submit" class="primary">{t('pinSave')}</button>
      </form>
    </div>
  );
}

/** After a wipe: what happened, then the sign-in form. */
export function WipedNotice() {
  const store = useStore();
  const { t } = useI18n();
  return (
    <div class="signin-page">
      <div class="signin wiped-notice" role="alert">
        <h1>{t('wipedTitle')}</h1>
        <p>{t('wipedText')}</p>
        <button type="button" class="primary" onClick={() => { store.wiped.value = false; }}>{t('signInAgain')}</button>
      </div>
    </div>
  );
}
