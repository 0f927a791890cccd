import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import { useI18n, useStore } from '../context.js';
import { errorText, markUsable } from '../format.js';
import { Logo, Toolbar } from '../components/Toolbar.js';

export function SignIn() {
  const store = useStore();
  const i18n = useI18n();
  const { t } = i18n;
  const { productName } = store.branding.value;
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const account = useRef<HTMLInputElement>(null);
  useLayoutEffect(() => {
    document.title = productName;
    account.current?.focus();
    markUsable('sb:signin');
  }, []);
  const submit = (e: Event) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget as HTMLFormElement);
    const base = String(data.get('server')).trim().replace(/\/$/, '');
    setBusy(true);
    setError('');
    store.signIn(base, String(data.get('account')).trim(), String(data.get('password'))).catch((err: unknown) => {
      setBusy(false);
      setError(errorText(i18n, err));
    });
  };
  return (
    <main class="signin-page">
      <div class="signin-tools"><Toolbar /></div>
      <form class="signin" aria-labelledby="signin-title" onSubmit={submit}>
        <div class="brand"><Logo size={56} /><h1 id="signin-title">{productName}</h1></div>
        {/* defaultValue: an address being typed is not reset when the form re-renders. */}
        <label>{t('server')}<input name="server" type="url" required defaultValue={store.serverAddress()} autocomplete="url" /></label>
        <label>{t('account')}<input ref={account} name="account" required autocomplete="username" /></label>
        <label>{t('password')}<input name="password" type="password" required autocomplete="current-password" /></label>
        <p class="form-error" role="alert">{error}</p>
        <button type="submit" class="primary" disabled={busy}>{busy ? t('signingIn') : t('signIn')}</button>
      </form>
    </main>
  );
}
