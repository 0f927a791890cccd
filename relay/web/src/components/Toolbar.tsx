import { useI18n, useStore } from '../context.js';

/** The configured logo, or the default icon. */
export function Logo({ size }: { size: number }) {
  const { logoUrl } = useStore().branding.value;
  return <img class="logo" src={logoUrl ?? '/icon.svg'} width={size} height={size} alt="" />;
}

/** Language and theme switches, on the sign-in screen and in the side header. */
export function Toolbar() {
  const store = useStore();
  const { t, lang } = useI18n();
  return (
    <div class="tools">
      <button type="button" class="icon-btn" aria-label={t('language')} title={t('language')} onClick={() => store.setLang(lang === 'zh' ? 'en' : 'zh')}>{lang === 'zh' ? 'EN' : 'ZH'}</button>
      <button type="button" class="icon-btn" aria-label={t('theme')} title={t('theme')} onClick={() => store.toggleTheme()}>◐</button>
    </div>
  );
}
