import { useLayoutEffect, useRef } from 'preact/hooks';
import { useI18n, useSession, useStore } from '../context.js';
import { badgeCount, convTitle, markUsable, preview } from '../format.js';
import { openConversation } from '../route.js';
import { Avatar } from '../components/Avatar.js';
import { MegaphoneIcon, SystemAvatar } from '../components/BroadcastCard.js';
import { MuteIcon } from '../components/MuteIcon.js';
import { listKeys, useKeptFocus } from '../components/list.js';
import { SearchResults } from '../components/SearchResults.js';

/** The conversations, newest first, filtered by the search box; one keyed row per conversation; below them, the messages the box finds. */
export function ConversationList() {
  const session = useSession();
  const i18n = useI18n();
  const { t } = i18n;
  const current = openConversation(useStore().route.value);
  const search = session.chatSearch.value;
  const q = search.trim().toLowerCase();
  const convs = session.conversations.value.filter((c) => !q || convTitle(session, i18n, c).toLowerCase().includes(q)
    || c.members.some((m) => m.name.toLowerCase().includes(q)) || preview(session, i18n, c.last_message, c).toLowerCase().includes(q));
  const list = useRef<HTMLUListElement>(null);
  useKeptFocus(list);
  useLayoutEffect(() => { if (convs.length) markUsable('sb:list'); });
  return (
    <>
      <div class="side-tools">
        <input class="chat-search search" type="search" placeholder={t('searchChats')} aria-label={t('searchChats')} value={search}
          onInput={(e) => { session.chatSearch.value = e.currentTarget.value; }} />
        <a class="icon-btn" href="#/new-group" aria-label={t('newGroup')} title={t('newGroup')}>+</a>
        {session.client.user?.is_admin ? <a class="icon-btn" href="#/broadcast" aria-label={t('sendBroadcast')} title={t('sendBroadcast')}><MegaphoneIcon size={18} /></a> : null}
      </div>
      <ul ref={list} class={`conv-list${q ? ' searching' : ''}`} aria-label={t('chats')} onKeyDown={listKeys}>
        {convs.map((c) => (
          <ConversationRow key={c.id} id={c.id} current={c.id === current} title={convTitle(session, i18n, c)} preview={preview(session, i18n, c.last_message, c)}
            time={c.last_message ? i18n.fmtTime(c.last_message.created_at) : ''} unread={c.unread} muted={c.muted} mentioned={c.mentions_unread > 0} system={c.kind === 'system'} />
        ))}
        {convs.length || q ? null : <li class="empty-note">{t('noChats')}</li>}
      </ul>
      <SearchResults q={search.trim()} />
    </>
  );
}

interface RowProps { id: number; current: boolean; title: string; preview: string; time: string; unread: number; muted: boolean; mentioned: boolean; system: boolean }

/** Plain values only, so a row whose values did not change is not rendered again. */
function ConversationRow(p: RowProps) {
  const { t } = useI18n();
  const label = [p.title, p.mentioned ? t('atMe') : '', p.unread ? `${p.unread} ${t('unread')}` : '', p.muted ? t('muted') : ''].filter(Boolean).join(', ');
  return (
    <li>
      <a class={`conv${p.current ? ' current' : ''}${p.unread ? ' has-unread' : ''}`} href={`#/chat/${p.id}`} data-conv={p.id} aria-current={p.current ? 'page' : undefined} aria-label={label}>
        {p.system ? <SystemAvatar label={p.title} /> : <Avatar name={p.title} />}
        <span class="conv-text">
          <span class="conv-top"><span class="conv-title">{p.title}</span><time class="conv-time">{p.time}</time></span>
          <span class="conv-bottom">
            <span class="conv-preview">{p.mentioned ? <span class="at-badge">{t('atMe')}</span> : null}{p.preview}</span>
            {p.muted ? <MuteIcon label={t('muted')} /> : null}
            {p.unread ? <span class={`badge${p.muted ? ' muted' : ''}`} aria-hidden="true">{badgeCount(p.unread)}</span> : null}
          </span>
        </span>
      </a>
    </li>
  );
}
