import type { ComponentChildren } from 'preact';
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import { t } from '../i18n.js';

export interface SignInProps {
  productName: string;
  logoUrl: string | null;
  /** The address shown first: the one used last, else the configured one, else this page's origin. */
  server: string;
  error?: string;
  tools: ComponentChildren;
  /** Signs in; rejects with the error to show. */
  signIn(base: string, account: string, password: string): Promise<void>;
}

export function SignIn(props: SignInProps) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(props.error ?? '');
  const account = useRef<HTMLInputElement>(null);
  useLayoutEffect(() => {
    account.current?.focus();
    if (!performance.getEntriesByName('sb:signin').length) performance.mark('sb:signin');
  }, []);
  const submit = (e: Event) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget as HTMLFormElement);
    const base = String(data.get('server')).trim().replace(/\/$/, '');
    setBusy(true);
    setError('');
    props.signIn(base, String(data.get('account')).trim(), String(data.get('password'))).catch((err: unknown) => {
      setBusy(false);
      setError((err as Error).message);
    });
  };
  return (
    <main class="signin-page">
      <div class="signin-tools">{props.tools}</div>
      <form class="signin" aria-labelledby="signin-title" onSubmit={submit}>
        <div class="brand">
          <img class="logo" src={props.logoUrl ?? '/icon.svg'} width={56} height={56} alt="" />
          <h1 id="signin-title">{props.productName}</h1>
        </div>
        <label>{t('server')}<input name="server" type="url" required defaultValue={props.server} autocomplete="url" /></label>
        <label>{t('account')}<input ref={account} name="account" required autocomplete="username" /></label>
        <label>{t('password')}<input name="password" type="password" required autocomplete="current-password" /></label>
        <p class="form-error" role="alert">{error}</p>
        <button type="submit" class="primary" disabled={busy}>{busy ? t('signingIn') : t('signIn')}</button>
      </form>
    </main>
  );
}
