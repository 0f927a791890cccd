import type { ComponentChildren } from 'preact';
import type { MessageView } from '../../../../shared/protocol/types.js';
import { useState } from 'preact/hooks';
import { useI18n, useSession } from '../context.js';
import { receiptCount, ReadersList } from './Receipts.js';
import { mentionsMe, RichText } from './RichText.js';
import { download } from '../download.js';
import { Avatar } from './Avatar.js';
import { StarButton } from './StarButton.js';
import { BundleCard } from './BundleView.js';
import { SelectBox } from './ForwardDialog.js';
import { messageGestures } from './MessageMenu.js';
import { QuoteBlock } from './ReplyPreview.js';
import { ImageBubble } from './ImageBubble.js';

interface BubbleProps { m: MessageView; mine: boolean; group: boolean; showName: boolean; name: string }

/**
 * One stored message. Its props are plain values and the message itself, which the SDK replaces (never edits)
 * when it is recalled or edited, so a bubble renders once per version; only its receipt follows the read cursors.
 */
export function Bubble({ m, mine, group, showName, name }: BubbleProps) {
  const session = useSession();
  const { fmtTime, t } = useI18n();
  let content: ComponentChildren = '';
  const atMe = 'text' in m.body && !mine && mentionsMe(m.body, session.me);
  if ('text' in m.body) {
    const rich = <RichText body={m.body} me={session.me} nameOf={(id) => session.conv(m.conv_id)?.members.find((x) => x.user_id === id)?.name ?? session.known(id)} />;
    content = m.body.reply_to ? <><QuoteBlock q={m.body.reply_to} />{rich}</> : rich;
  } else if ('bundle' in m.body) content = <BundleCard b={m.body} />;
  else if ('file' in m.body) {
    const f = m.body.file;
    if (f.has_thumb && f.width && f.height) content = <ImageBubble file={{ ...f, width: f.width, height: f.height }} />;
    else content = <button type="button" class="file" onClick={() => void download(session, f.id, f.name, f.mime)}>{`📄 ${f.name} (${Math.ceil(f.size / 1024)} KB)`}</button>;
  }
  return (
    <div class={`msg${mine ? ' mine' : ''}${atMe ? ' at-me' : ''}`} data-seq={m.seq} {...messageGestures(session.actions, m)}>
      <SelectBox seq={m.seq} convId={m.conv_id} />
      {!mine && group ? (showName ? <Avatar name={name} size="sm" /> : <span class="avatar-gap" />) : null}
      <div class="msg-body">
        {showName ? <div class="sender">{name}</div> : null}
        {'text' in m.body && m.body.urgent ? <span class="tag urgent-tag">{t('urgent')}</span> : null}
        <div class={`bubble${'file' in m.body && m.body.file.has_thumb ? ' has-image' : ''}${'text' in m.body && m.body.urgent ? ' urgent' : ''}`}>{content}</div>
        <div class="meta">
          <time dateTime={new Date(m.created_at).toISOString()}>{fmtTime(m.created_at, true)}</time>
          {m.edited_at ? <span class="edited">{t('edited')}</span> : null}
          {mine ? <Receipt convId={m.conv_id} m={m} /> : null}
          <StarButton m={m} />
        </div>
      </div>
    </div>
  );
}

/** 1:1: read or unread. Groups: how many have not read it, opening to who has and who has not. */
function Receipt({ convId, m }: { convId: number; m: MessageView }) {
  const session = useSession();
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  const rev = session.rev.value;
  const c = session.conv(convId);
  if (!c) return <span class="receipt" />;
  // A large conversation shares no cursors: its counts come from central.
  const r = c.cursors_shared === false ? session.receipts.get(c.id, m.seq) : receiptCount(c, m, rev);
  if (!r) return <span class="receipt" />;
  if (c.kind === 'direct') {
    const read = r.read > 0;
    return <span class={`receipt ${read ? 'is-read' : 'is-unread'}`}>{read ? t('read') : t('unread')}</span>;
  }
  const unread = r.of - r.read;
  return (
    <span class={`receipt ${unread ? 'is-unread' : 'is-read'}`}>
      <details onToggle={(e) => setOpen(e.currentTarget.open)}>
        <summary>{unread ? t('nUnread', unread) : t('allRead')}</summary>
        {open ? <ReadersList key={r.read} c={c} m={m} /> : null}
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
