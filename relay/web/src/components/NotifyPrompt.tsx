import { useState } from 'preact/hooks';
import { useI18n } from '../context.js';
import { canNotify } from '../notifier.js';

const LATER = 'sb.notifyPrompt';

/**
 * Asks for desktop notifications the polite way: says what they are for first, and calls the browser's
 * permission prompt only when the button is pressed. "Later" hides it on this device; the settings view
 * shows it again (`always`), with the state when permission was already decided.
 */
export function NotifyPrompt({ always = false }: { always?: boolean }) {
  const { t } = useI18n();
  const [permission, setPermission] = useState<NotificationPermission | 'unsupported'>(canNotify() ? Notification.permission : 'unsupported');
  const [later, setLater] = useState(localStorage.getItem(LATER) === 'later');
  if (permission !== 'default') {
    if (!always) return null;
    const text = permission === 'granted' ? t('notifyGranted') : permission === 'denied' ? t('notifyDenied') : t('notifyUnsupported');
    return <p class="muted-text notify-state" data-permission={permission}>{text}</p>;
  }
  if (later && !always) return null;
  const ask = () => { void Notification.requestPermission().then(setPermission); };
  return (
    <div class="notify-prompt" role="region" aria-label={t('notifyTitle')}>
      <p><strong>{t('notifyTitle')}</strong> {t('notifyExplain')}</p>
      <div class="actions">
        {always ? null : <button type="button" onClick={() => { localStorage.setItem(LATER, 'later'); setLater(true); }}>{t('notifyLater')}</button>}
        <button type="button" class="primary notify-enable" onClick={ask}>{t('notifyEnable')}</button>
      </div>
    </div>
  );
}
