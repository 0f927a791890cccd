import type { BroadcastBody, MessageView } from '../../../../shared/protocol/types.js';
import { useI18n, useSession } from '../context.js';
import { download } from '../download.js';

/** A megaphone, drawn (an emoji depends on the fonts a machine has). */
export function MegaphoneIcon({ size = 22 }: { size?: number }) {
  return (
    <svg viewBox="0 0 24 24" width={size} height={size} aria-hidden="true" fill="none" stroke="currentColor" stroke-width="2" stroke-linejoin="round">
      <path d="M3 10v4h4l6 4V6L7 10H3z" /><path d="M16.5 8.5a5 5 0 0 1 0 7" /><path d="M19 6a8.5 8.5 0 0 1 0 12" />
    </svg>
  );
}

/** The system conversation's own icon, instead of initials: it is nobody's. */
export function SystemAvatar({ label }: { label: string }) {
  return <span class="avatar system-avatar" role="img" aria-label={label}><MegaphoneIcon /></span>;
}

/** One broadcast (广播消息): its title and text as a card, and the attached file if any. Text is shown as text, never as HTML. */
export function BroadcastCard({ m }: { m: MessageView }) {
  const session = useSession();
  const { t, fmtTime } = useI18n();
  const b = (m.body as BroadcastBody).broadcast;
  return (
    <article class="broadcast-card" data-seq={m.seq} aria-label={b.title}>
      <div class="broadcast-tag">{t('broadcast')}</div>
      <h3 class="broadcast-title">{b.title}</h3>
      <p class="broadcast-text">{b.text}</p>
      {b.file ? (
        <button type="button" class="file" onClick={() => void download(session, b.file!.id, b.file!.name, b.file!.mime)}>
          {`📄 ${b.file.name} (${Math.ceil(b.file.size / 1024)} KB)`}
        </button>
      ) : null}
      <time class="broadcast-time" dateTime={new Date(m.created_at).toISOString()}>{fmtTime(m.created_at, true)}</time>
    </article>
  );
}

/** Where the composer would be: a system conversation cannot be replied to. */
export function ReadOnlyNote() {
  const { t } = useI18n();
  return <p class="read-only-note" role="note">{t('systemReadOnly')}</p>;
}
