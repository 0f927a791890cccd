import type { ComponentChildren } from 'preact';
import type { MessageView } from '../../../../shared/protocol/types.js';
import { readBy } from '../../../../shared/sdk/state.js';
import { useI18n, useSession } from '../context.js';
import type { Session } from '../session.js';
import { Avatar } from './Avatar.js';
import { ImageBubble } from './ImageBubble.js';

interface BubbleProps { m: MessageView; mine: boolean; group: boolean; showName: boolean; name: string }

/**
 * One stored message. Its props are plain values and the message itself, which the SDK never changes once
 * stored, so a bubble renders once; only its receipt follows the read cursors.
 */
export function Bubble({ m, mine, group, showName, name }: BubbleProps) {
  const session = useSession();
  const { fmtTime } = useI18n();
  let content: ComponentChildren = '';
  if ('text' in m.body) content = m.body.text;
  else if ('file' in m.body) {
    const f = m.body.file;
    if (f.has_thumb && f.width && f.height) content = <ImageBubble file={{ ...f, width: f.width, height: f.height }} />;
    else content = <button type="button" class="file" onClick={() => void download(session, f.id, f.name, f.mime)}>{`📄 ${f.name} (${Math.ceil(f.size / 1024)} KB)`}</button>;
  }
  return (
    <div class={`msg${mine ? ' mine' : ''}`} data-seq={m.seq}>
      {!mine && group ? (showName ? <Avatar name={name} size="sm" /> : <span class="avatar-gap" />) : null}
      <div class="msg-body">
        {showName ? <div class="sender">{name}</div> : null}
        <div class={`bubble${'file' in m.body && m.body.file.has_thumb ? ' has-image' : ''}`}>{content}</div>
        <div class="meta">
          <time dateTime={new Date(m.created_at).toISOString()}>{fmtTime(m.created_at, true)}</time>
          {mine ? <Receipt convId={m.conv_id} m={m} /> : null}
        </div>
      </div>
    </div>
  );
}

/** 1:1: read or unread. Groups: how many have not read it, opening to who has and who has not. */
function Receipt({ convId, m }: { convId: number; m: MessageView }) {
  const session = useSession();
  const { t, sep } = useI18n();
  void session.rev.value;
  const c = session.conv(convId);
  if (!c) return <span class="receipt" />;
  const r = readBy(c, m);
  if (c.kind === 'direct') {
    const read = r.read > 0;
    return <span class={`receipt ${read ? 'is-read' : 'is-unread'}`}>{read ? t('read') : t('unread')}</span>;
  }
  const unread = r.of - r.read;
  const readers = new Set(r.readers);
  const others = c.members.filter((x) => x.user_id !== m.sender_id);
  const names = (read: boolean) => others.filter((x) => readers.has(x.user_id) === read).map((x) => x.name).join(sep) || '—';
  return (
    <span class={`receipt ${unread ? 'is-unread' : 'is-read'}`}>
      <details>
        <summary>{unread ? t('nUnread', unread) : t('allRead')}</summary>
        <div class="readers">
          <div><strong>{t('readBy')}</strong> {names(true)}</div>
          <div><strong>{t('notReadBy')}</strong> {names(false)}</div>
        </div>
      </details>
    </span>
  );
}

/** Mine, not stored yet: sending, uploading, or failed. */
export function Pending({ cmid, text, state, failed }: { cmid?: string; text: string; state: string; failed?: boolean }) {
  return (
    <div class={`msg mine ${failed ? 'failed' : 'pending'}`} data-cmid={cmid}>
      <div class="bubble">{text}</div>
      <div class="meta"><span class="state">{state}</span></div>
    </div>
  );
}

export function DaySeparator({ label }: { label: string }) {
  return <div class="day" role="separator"><span>{label}</span></div>;
}

async function download(session: Session, id: number, name: string, mime: string): Promise<void> {
  const bytes = await session.client.api.download(id);
  const url = URL.createObjectURL(new Blob([bytes as BlobPart], { type: mime }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
