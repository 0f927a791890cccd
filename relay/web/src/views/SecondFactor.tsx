import { useEffect, useState } from 'preact/hooks';
import { useI18n, useSession } from '../context.js';
import { errorText, type PasswordRules } from '../format.js';

export interface MySecurity { totp_enabled: boolean; totp_required: boolean; password_expires_at: number | null; policy: PasswordRules }

/**
 * 两步验证 in 账号与安全: turn the authenticator code on (password, then the key, then its first code) or off
 * (password and a current code). The server refuses turning it off where the policy requires it.
 */
export function SecondFactor({ rev }: { rev: number }) {
  const session = useSession();
  const i18n = useI18n();
  const { t } = i18n;
  const [mine, setMine] = useState<MySecurity | null>(null);
  const [setup, setSetup] = useState<{ secret: string; uri: string } | null>(null);
  const [mode, setMode] = useState<'idle' | 'enable' | 'disable'>('idle');
  const [status, setStatus] = useState('');
  const [busy, setBusy] = useState(false);
  const [reload, setReload] = useState(0);
  useEffect(() => {
    let live = true;
    session.client.api.call('auth.security').then((m) => { if (live) setMine(m); }, (err: unknown) => { if (live) setStatus(errorText(i18n, err)); });
    return () => { live = false; };
  }, [rev, reload]);
  const run = (work: () => Promise<unknown>, done: string) => {
    setBusy(true);
    setStatus('');
    work().then(() => { setStatus(done); setMode('idle'); setSetup(null); setReload(reload + 1); }, (err: unknown) => setStatus(errorText(i18n, err))).finally(() => setBusy(false));
  };
  const submit = (e: Event) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget as HTMLFormElement);
    const field = (n: string) => String(data.get(n) ?? '').trim();
    if (mode === 'disable') return run(() => session.client.api.call('auth.totp.disable', { current_password: String(data.get('current')), code: field('totp') }), t('twoFactorDisabled'));
    if (!setup) {
      setBusy(true);
      setStatus('');
      session.client.api.call('auth.totp.begin', { current_password: String(data.get('current')) })
        .then((r) => setSetup({ secret: r.secret, uri: r.otpauth_uri }), (err: unknown) => setStatus(errorText(i18n, err))).finally(() => setBusy(false));
      return;
    }
    run(() => session.client.api.call('auth.totp.confirm', { code: field('totp') }), t('twoFactorEnabled'));
  };
  if (!mine) return <p class="muted-text save-status" role="status">{status}</p>;
  const codeField = <label>{t('totpCode')}<input name="totp" required inputMode="numeric" pattern="[0-9]{6}" maxLength={6} autocomplete="one-time-code" /></label>;
  const passwordField = <label>{t('currentPassword')}<input name="current" type="password" required autocomplete="current-password" /></label>;
  return (
    <form class="second-factor" onSubmit={submit} data-enabled={String(mine.totp_enabled)}>
      <h3>{t('twoFactor')}</h3>
      <p class="muted-text">{mine.totp_enabled ? t('twoFactorOn') : t('twoFactorOff')}{mine.totp_enabled && mine.totp_required ? ` ${t('twoFactorRequired')}` : ''}</p>
      {mode === 'enable' && !setup ? passwordField : null}
      {mode === 'enable' && setup ? (
        <>
          <p class="totp-secret"><span>{t('totpSecret')}</span> <code data-secret={setup.secret}>{setup.secret.match(/.{1,4}/g)?.join(' ')}</code></p>
          <p><a href={setup.uri}>{t('openInApp')}</a></p>
          {codeField}
        </>
      ) : null}
      {mode === 'disable' ? <>{passwordField}{codeField}</> : null}
      <div class="actions">
        <span class="muted-text save-status" role="status">{status}</span>
        {mode === 'idle' && !mine.totp_enabled ? <button type="button" class="primary enable-2fa" onClick={() => { setMode('enable'); setStatus(''); }}>{t('enableTwoFactor')}</button> : null}
        {mode === 'idle' && mine.totp_enabled && !mine.totp_required ? <button type="button" class="danger disable-2fa" onClick={() => { setMode('disable'); setStatus(''); }}>{t('disableTwoFactor')}</button> : null}
        {mode !== 'idle' ? <button type="button" onClick={() => { setMode('idle'); setSetup(null); }}>{t('cancel')}</button> : null}
        {mode !== 'idle' ? <button type="submit" class={mode === 'disable' ? 'danger' : 'primary'} disabled={busy}>{mode === 'disable' ? t('disableTwoFactor') : setup ? t('verify') : t('enableTwoFactor')}</button> : null}
      </div>
    </form>
  );
}
