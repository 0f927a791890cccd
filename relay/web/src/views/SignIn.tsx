import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { useI18n, useStore } from '../context.js';
import { errorText, markUsable, rulesText, type PasswordRules } from '../format.js';
import { Logo, Toolbar } from '../components/Toolbar.js';
import type { TextKey } from '../i18n.js';

/** What the server asked for before it gives a session (docs/security.md, "Signing in"). */
type Step =
  | { kind: 'credentials' }
  | { kind: 'totp' }
  | { kind: 'password'; ticket: string; reason: string; policy: PasswordRules }
  | { kind: 'setup'; ticket: string; secret: string; uri: string }
  | { kind: 'approval'; ticket: string };

const stepOf = (err: unknown): Step | null => {
  const { code, details } = err as { code?: string; details?: Record<string, unknown> };
  if (code === 'SB_TOTP_REQUIRED') return { kind: 'totp' };
  if (code === 'SB_PASSWORD_CHANGE_REQUIRED' && details) return { kind: 'password', ticket: String(details.ticket), reason: String(details.reason), policy: details.policy as PasswordRules };
  if (code === 'SB_TOTP_SETUP_REQUIRED' && details) return { kind: 'setup', ticket: String(details.ticket), secret: String(details.secret), uri: String(details.otpauth_uri) };
  if (code === 'SB_DEVICE_APPROVAL_REQUIRED' && details) return { kind: 'approval', ticket: String(details.ticket) };
  return null;
};

/** "ABCD EFGH …": a key read off the screen and typed into a phone. */
const grouped = (secret: string) => secret.match(/.{1,4}/g)?.join(' ') ?? secret;

export function SignIn() {
  const store = useStore();
  const i18n = useI18n();
  const { t } = i18n;
  const { productName } = store.branding.value;
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const [step, setStep] = useState<Step>({ kind: 'credentials' });
  // What the first form said, kept for the steps after it.
  const entered = useRef({ base: '', account: '', password: '' });
  const account = useRef<HTMLInputElement>(null);
  useLayoutEffect(() => {
    document.title = productName;
    account.current?.focus();
    markUsable('sb:signin');
  }, []);

  const attempt = (run: () => Promise<void>) => {
    setBusy(true);
    setError('');
    run().catch((err: unknown) => {
      setBusy(false);
      const next = stepOf(err);
      if (next) { setStep(next); return; }
      if ((err as { code?: string }).code === 'SB_UNAUTHENTICATED' && step.kind !== 'credentials') { setStep({ kind: 'credentials' }); setError(t('stepExpired')); return; }
      setError(errorText(i18n, err));
    });
  };
  const submit = (e: Event) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget as HTMLFormElement);
    const field = (name: string) => String(data.get(name) ?? '');
    const { base, account: name, password } = entered.current;
    if (step.kind === 'credentials') {
      entered.current = { base: field('server').trim().replace(/\/$/, ''), account: field('account').trim(), password: field('password') };
      attempt(() => store.signIn(entered.current.base, entered.current.account, entered.current.password));
    } else if (step.kind === 'totp') {
      attempt(() => store.signIn(base, name, password, field('totp').trim()));
    } else if (step.kind === 'password') {
      if (field('new') !== field('again')) { setError(t('passwordMismatch')); return; }
      attempt(() => store.finishSignIn(base, { ticket: step.ticket, newPassword: field('new') }));
    } else {
      attempt(() => store.finishSignIn(base, { ticket: step.ticket, totpCode: field('totp').trim() }));
    }
  };
  const back = () => { setStep({ kind: 'credentials' }); setError(''); };
  // Waiting for approval: ask every few seconds until it is decided (or the ticket expires).
  useEffect(() => {
    if (step.kind !== 'approval') return;
    let live = true;
    const ask = () => {
      store.finishSignIn(entered.current.base, { ticket: step.ticket }).catch((err: unknown) => {
        if (!live) return;
        const code = (err as { code?: string }).code;
        if (code === 'SB_APPROVAL_PENDING' || code === 'SB_CENTRAL_UNAVAILABLE') { timer = setTimeout(ask, 2000); return; }
        setStep({ kind: 'credentials' });
        setError(code === 'SB_FORBIDDEN' ? t('approvalRefused') : errorText(i18n, err));
      });
    };
    let timer = setTimeout(ask, 1000);
    return () => { live = false; clearTimeout(timer); };
  }, [step]);
  const codeField = (
    <label>{t('totpCode')}
      <input name="totp" required inputMode="numeric" pattern="[0-9]{6}" maxLength={6} autocomplete="one-time-code" autoFocus aria-describedby="totp-hint" />
    </label>
  );

  return (
    <main class="signin-page">
      <div class="signin-tools"><Toolbar /></div>
      <form class="signin" aria-labelledby="signin-title" onSubmit={submit} data-step={step.kind}>
        <div class="brand"><Logo size={56} /><h1 id="signin-title">{productName}</h1></div>
        {step.kind === 'credentials' ? (
          <>
            {/* defaultValue: an address being typed is not reset when the form re-renders. */}
            <label>{t('server')}<input name="server" type="url" required defaultValue={entered.current.base || store.serverAddress()} autocomplete="url" /></label>
            <label>{t('account')}<input ref={account} name="account" required autocomplete="username" defaultValue={entered.current.account} /></label>
            <label>{t('password')}<input name="password" type="password" required autocomplete="current-password" /></label>
          </>
        ) : null}
        {step.kind === 'totp' ? <>{codeField}<p id="totp-hint" class="muted-text">{t('totpCodeHint')}</p></> : null}
        {step.kind === 'password' ? (
          <>
            <h2 class="step-title">{t('setNewPassword')}</h2>
            <p class="muted-text">{t(`reason${step.reason}` as TextKey)}</p>
            <label>{t('newPassword')}<input name="new" type="password" required minLength={step.policy.min_length} autocomplete="new-password" autoFocus aria-describedby="rules" /></label>
            <label>{t('confirmPassword')}<input name="again" type="password" required autocomplete="new-password" /></label>
            <p id="rules" class="muted-text">{rulesText(i18n, step.policy)}</p>
          </>
        ) : null}
        {step.kind === 'setup' ? (
          <>
            <h2 class="step-title">{t('setUpTotp')}</h2>
            <p class="muted-text">{t('setUpTotpHint')}</p>
            <p class="totp-secret"><span>{t('totpSecret')}</span> <code data-secret={step.secret}>{grouped(step.secret)}</code></p>
            <p><a href={step.uri}>{t('openInApp')}</a></p>
            {codeField}
            <p id="totp-hint" class="muted-text">{t('totpCodeHint')}</p>
          </>
        ) : null}
        {step.kind === 'approval' ? (
          <>
            <h2 class="step-title">{t('waitingApproval')}</h2>
            <p class="muted-text waiting-approval" role="status">{t('waitingApprovalHint')}</p>
          </>
        ) : null}
        <p class="form-error" role="alert">{error}</p>
        <button type="submit" class="primary" disabled={busy || step.kind === 'approval'} hidden={step.kind === 'approval'}>
          {busy ? t('signingIn') : step.kind === 'credentials' ? t('signIn') : step.kind === 'password' ? t('setNewPassword') : t('verify')}
        </button>
        {step.kind !== 'credentials' ? <button type="button" class="link-btn" onClick={back}>{t('backToSignIn')}</button> : null}
      </form>
    </main>
  );
}
