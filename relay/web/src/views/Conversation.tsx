import { useEffect, useState } from 'preact/hooks';
import { useI18n, useSession } from '../context.js';
import { convTitle } from '../format.js';
import { Avatar } from '../components/Avatar.js';
import { ComposerGate } from '../components/ComposerGate.js';
import { DropZone } from '../components/DropZone.js';
import { MessageList } from '../components/MessageList.js';
import { MentionJump } from '../components/MentionJump.js';
import { MuteIcon } from '../components/MuteIcon.js';
import { ReadOnlyNote, SystemAvatar } from '../components/BroadcastCard.js';
import { MessageActionsLayer } from '../components/MessageMenu.js';
import { SelectBar } from '../components/ForwardDialog.js';
import { useTyping } from '../typing.js';

/** One conversation: header, message list and composer. Mounted anew for each conversation (keyed by id); `at`: a message to show in context (a search hit). */
export function Conversation({ convId, at }: { convId: number; at?: number }) {
  const session = useSession();
  const i18n = useI18n();
  void session.rev.value;
  const c = session.conv(convId);
  /** Bumped by each send: the list follows the newest message again. */
  const [sent, setSent] = useState(0);
  useEffect(() => {
    const other = c?.kind === 'direct' ? c.members.find((m) => m.user_id !== session.me) : undefined;
    if (other && session.client.connection === 'online') {
      session.client.queryPresence([other.user_id]).then(() => { session.presence.value++; }, () => { /* the header shows no status */ });
    }
  }, []);
  // Removed from the conversation (or it was deleted): back to the list once the server has said so.
  useEffect(() => { if (!c && session.client.connection === 'online') location.hash = '#/chats'; });
  return (
    <section class="chat" aria-label={c ? convTitle(session, i18n, c) : ''}>
      <ChatHeader convId={convId} />
      <MentionJump convId={convId} />
      <DropZone convId={convId}>
        <MessageList convId={convId} sent={sent} at={at} />
        {c?.kind === 'system' ? <ReadOnlyNote /> : session.actions.selecting.value?.convId === convId ? <SelectBar convId={convId} />
          : <ComposerGate convId={convId} onSent={() => setSent((n) => n + 1)} />}
      </DropZone>
      <MessageActionsLayer convId={convId} />
    </section>
  );
}

function ChatHeader({ convId }: { convId: number }) {
  const session = useSession();
  const i18n = useI18n();
  const { t } = i18n;
  void session.rev.value;
  void session.presence.value;
  const c = session.conv(convId);
  const typing = useTyping(session, convId);
  const back = <a class="icon-btn back" href="#/chats" aria-label={t('back')}>‹</a>;
  if (!c) return <header class="chat-head">{back}</header>;
  const title = convTitle(session, i18n, c);
  let sub = '';
  if (c.kind === 'group') sub = c.dissolved ? t('dissolved') : `${c.discussion ? `${t('discussion')} · ` : ''}${t('members', c.members.length)}`;
  else {
    const other = c.members.find((m) => m.user_id !== session.me);
    const p = other ? session.client.presence[other.user_id] : undefined;
    if (p) sub = t(p.status);
  }
  const typists = typing.map((id) => c.members.find((m) => m.user_id === id)?.name).filter((n): n is string => Boolean(n));
  const typingText = typists.length === 0 ? '' : c.kind === 'group' ? t('typingNamed', typists.join('、')) : t('typingNow');
  const info = c.kind === 'group' ? t('groupInfo') : t('chatInfo');
  return (
    <header class="chat-head">
      {back}
      {c.kind === 'system' ? <SystemAvatar label={title} /> : <Avatar name={title} />}
      <div class="chat-title"><h2>{title}{c.muted ? <MuteIcon label={t('muted')} /> : null}</h2>{typingText ? <span class="sub typing" aria-live="polite">{typingText}</span> : sub ? <span class="sub">{sub}</span> : null}</div>
      {c.kind === 'system' ? null : <a class="icon-btn" href={`#/chat/${c.id}/info`} aria-label={info} title={info}>⋯</a>}
    </header>
  );
}
