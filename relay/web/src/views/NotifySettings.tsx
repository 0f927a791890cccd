import { useState } from 'preact/hooks';
import type { NotifySettings as Settings } from '../../../../shared/protocol/types.js';
import { DEFAULT_NOTIFY_SETTINGS } from '../../../../core/notify/settings.js';
import { useI18n, useSession } from '../context.js';
import { errorText } from '../format.js';
import { NotifyPrompt } from '../components/NotifyPrompt.js';

/** The browser's own time zone, offered for quiet hours. */
const localZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

/**
 * Notification settings: quiet hours (免打扰时段), what breaks through them, sound. Saved with notify.set; every
 * device of mine gets them by event and sync, and decides each notification from them (notifier.ts).
 */
export function NotifySettings() {
  const session = useSession();
  const { t } = useI18n();
  void session.rev.value;
  const saved = session.client.state.notify ?? DEFAULT_NOTIFY_SETTINGS;
  /** Outside the form: saving remounts the form (its key changes), the status stays. */
  const [status, setStatus] = useState('');
  // Keyed by what is stored: a change saved on another device shows here at once.
  return (
    <section class="panel notify-settings" aria-label={t('notifySettings')}>
      <header class="chat-head"><a class="icon-btn back" href="#/chats" aria-label={t('back')}>‹</a><h2>{t('notifySettings')}</h2></header>
      <div class="panel-body">
        <NotifyPrompt always />
        <SettingsForm key={JSON.stringify(saved)} saved={saved} status={status} setStatus={setStatus} />
      </div>
    </section>
  );
}

function SettingsForm({ saved, status, setStatus }: { saved: Settings; status: string; setStatus: (s: string) => void }) {
  const session = useSession();
  const i18n = useI18n();
  const { t } = i18n;
  const [s, setS] = useState<Settings>(() => structuredClone(saved));
  const quiet = (patch: Partial<Settings['quiet']>) => setS({ ...s, quiet: { ...s.quiet, ...patch } });
  const toggleDay = (d: number) => quiet({ days: s.quiet.days.includes(d) ? s.quiet.days.filter((x) => x !== d) : [...s.quiet.days, d].sort() });
  const save = (e: Event) => {
    e.preventDefault();
    setStatus('');
    session.client.api.call('notify.set', { ...s }).then(() => setStatus(t('saved')), (err: unknown) => setStatus(errorText(i18n, err)));
  };
  const zone = localZone();
  return (
    <form class="notify-form" onSubmit={save}>
      <h3>{t('quietHours')}</h3>
      <label class="switch"><input type="checkbox" name="quiet" checked={s.quiet.enabled} onChange={(e) => quiet({ enabled: e.currentTarget.checked })} />{t('quietOn')}</label>
      <fieldset class="days" disabled={!s.quiet.enabled}>
        <legend>{t('quietDays')}</legend>
        {[1, 2, 3, 4, 5, 6, 0].map((d) => (
          <label key={d} class="day-pick"><input type="checkbox" name={`day${d}`} checked={s.quiet.days.includes(d)} onChange={() => toggleDay(d)} />{t(`day${d}` as 'day0')}</label>
        ))}
      </fieldset>
      <div class="row">
        <label class="grow">{t('quietFrom')}<input type="time" name="start" required value={s.quiet.start} disabled={!s.quiet.enabled} onInput={(e) => quiet({ start: e.currentTarget.value })} /></label>
        <label class="grow">{t('quietTo')}<input type="time" name="end" required value={s.quiet.end} disabled={!s.quiet.enabled} onInput={(e) => quiet({ end: e.currentTarget.value })} /></label>
      </div>
      <div class="row">
        <label class="grow">{t('timeZone')}<input name="tz" value={s.quiet.tz} disabled={!s.quiet.enabled} onInput={(e) => quiet({ tz: e.currentTarget.value.trim() })} /></label>
        {s.quiet.tz !== zone ? <button type="button" disabled={!s.quiet.enabled} onClick={() => quiet({ tz: zone })}>{t('useLocalZone', zone)}</button> : null}
      </div>
      <p class="muted-text">{t('overnightHint')}</p>
      <h3>{t('breakThrough')}</h3>
      <label class="switch"><input type="checkbox" name="mentions" checked={s.allow_mentions} onChange={(e) => setS({ ...s, allow_mentions: e.currentTarget.checked })} />{t('allowMentions')}</label>
      <label class="switch"><input type="checkbox" name="urgent" checked={s.allow_urgent} onChange={(e) => setS({ ...s, allow_urgent: e.currentTarget.checked })} />{t('allowUrgent')}</label>
      <h3>{t('soundHeading')}</h3>
      <label class="switch"><input type="checkbox" name="sound" checked={s.sound} onChange={(e) => setS({ ...s, sound: e.currentTarget.checked })} />{t('soundOn')}</label>
      <div class="actions"><span class="muted-text save-status" role="status">{status}</span><button type="submit" class="primary">{t('save')}</button></div>
    </form>
  );
}
