import { useI18n } from '../context.js';

/** Mine, still uploading: the file's name and how much of it has gone. */
export function UploadProgress({ name, progress }: { name: string; progress: number }) {
  const { t } = useI18n();
  const pct = Math.round(progress * 100);
  return (
    <div class="msg mine pending upload">
      <div class="bubble">
        <div>{`📄 ${name}`}</div>
        <progress class="upload-bar" max={100} value={pct} aria-label={`${t('uploading')} ${name}`} />
      </div>
      <div class="meta"><span class="state">{`${t('uploading')} ${pct}%`}</span></div>
    </div>
  );
}
