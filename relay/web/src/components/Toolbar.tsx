import { getLang, t } from '../i18n.js';

/** Language and theme switches, on the sign-in screen and in the side header. */
export function Toolbar(props: { onLanguage(): void; onTheme(): void }) {
  return (
    <div class="tools">
      <button type="button" class="icon-btn" aria-label={t('language')} title={t('language')} onClick={props.onLanguage}>{getLang() === 'zh' ? 'EN' : 'ZH'}</button>
      <button type="button" class="icon-btn" aria-label={t('theme')} title={t('theme')} onClick={props.onTheme}>◐</button>
    </div>
  );
}
