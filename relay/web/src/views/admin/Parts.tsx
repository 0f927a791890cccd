import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { useAdminI18n, type Loaded } from './text.js';

/** Loading, a refusal in words (a section the grants do not cover says so), or the content. */
export function Show<T>({ loaded, retry, children }: { loaded: Loaded<T>; retry(): void; children(data: T): ComponentChildren }) {
  const { t, refusal } = useAdminI18n();
  if (loaded.state === 'loading') return <p class="muted-text" role="status">{t('loading')}</p>;
  if (loaded.state === 'error') {
    const forbidden = (loaded.error as { code?: string }).code === 'SB_FORBIDDEN';
    return (
      <div class="admin-refused" role="alert">
        <p>{forbidden ? t('sectionForbidden') : ''} {refusal(loaded.error)}</p>
        <button type="button" onClick={retry}>{t('retry')}</button>
      </div>
    );
  }
  return <>{children(loaded.data)}</>;
}

/** A secret shown once (a generated password, activation codes), with a copy button. */
export function OneTime({ title, text, hint, onClose, children }: { title: string; text: string; hint: string; onClose(): void; children?: ComponentChildren }) {
  const { t } = useAdminI18n();
  const [copied, setCopied] = useState('');
  const copy = () => {
    const done = () => setCopied(t('copied'));
    const fail = () => setCopied(t('copyFailed'));
    if (navigator.clipboard) navigator.clipboard.writeText(text).then(done, fail); else fail();
  };
  return (
    <div class="one-time" role="status">
      <p class="one-time-title">{title}</p>
      <pre class="one-time-text">{text}</pre>
      <p class="muted-text">{hint}</p>
      <div class="actions">
        <span class="muted-text">{copied}</span>
        {children}
        <button type="button" onClick={copy}>{t('copy')}</button>
        <button type="button" class="primary" onClick={onClose}>{t('close')}</button>
      </div>
    </div>
  );
}

/** A status line after an action: what was done, or the refusal. */
export function Outcome({ ok, error }: { ok: string; error: string }) {
  return <>{error ? <p class="form-error" role="alert">{error}</p> : null}{ok ? <p class="muted-text admin-ok" role="status">{ok}</p> : null}</>;
}

/** The end of a filter form: the time range (named since / until) and clear, filter, export. */
export function TimeRangeAndActions({ onExport }: { onExport(): void }) {
  const { t } = useAdminI18n();
  return (
    <>
      <label>{t('from')}<input name="since" type="datetime-local" /></label>
      <label>{t('until')}<input name="until" type="datetime-local" /></label>
      <div class="actions">
        <button type="reset">{t('clear')}</button>
        <button type="submit" class="primary">{t('filter')}</button>
        <button type="button" class="export" onClick={onExport}>{t('exportCsv')}</button>
      </div>
    </>
  );
}
