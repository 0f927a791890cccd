import { useEffect, useRef } from 'preact/hooks';
import { useI18n, useSession, useStore } from '../context.js';
import { badgeCount } from '../format.js';
import { atSide, inDirectory, type Route } from '../route.js';
import { Banner } from '../components/Banner.js';
import { Logo, Toolbar } from '../components/Toolbar.js';
import { ConversationList } from './ConversationList.js';
import { Conversation } from './Conversation.js';
import { DirectoryPanel } from './Directory.js';
import { NotifyPrompt } from '../components/NotifyPrompt.js';
import { useNotifier } from '../notifier.js';
import { DeviceApprovals } from '../components/DeviceApprovals.js';
import { AdminConsole } from './AdminConsole.js';
import { lazyView } from '../lazy.js';

// Screens opened now and then come from dist/lazy.js, loaded the first time one is shown.
const GroupInfo = lazyView(() => import('../screens.js').then((m) => m.GroupInfo));
const NewGroup = lazyView(() => import('../screens.js').then((m) => m.NewGroup));
const SendBroadcast = lazyView(() => import('../screens.js').then((m) => m.SendBroadcast));
const PersonCard = lazyView(() => import('../screens.js').then((m) => m.PersonCard));
const Favourites = lazyView(() => import('../screens.js').then((m) => m.Favourites));
const NotifySettings = lazyView(() => import('../screens.js').then((m) => m.NotifySettings));
const AccountSecurity = lazyView(() => import('../screens.js').then((m) => m.AccountSecurity));

/** The signed-in page: side pane (chats or directory) and main pane; one pane at a time on a phone. */
export function Shell() {
  const store = useStore();
  const session = useSession();
  const { t } = useI18n();
  const route = store.route.value;
  const { productName } = store.branding.value;
  const unread = session.unreadTotal.value;
  const main = useRef<HTMLElement>(null);
  useEffect(() => { document.title = unread ? `(${badgeCount(unread)}) ${productName}` : productName; }, [unread, productName]);
  useNotifier(store, session);
  const directory = inDirectory(route);
  const favs = route.name === 'favourites';
  return (
    <div class={`shell ${atSide(route) ? 'at-side' : 'at-main'}`}>
      <a class="skip" href="#main" onClick={(e) => { e.preventDefault(); main.current?.focus(); }}>{t('skip')}</a>
      <Banner />
      <DeviceApprovals />
      <nav class="side" aria-label={productName}>
        <header class={session.client.user?.is_admin ? 'side-head with-console' : 'side-head'}>
          <Logo size={28} /><span class="product">{productName}</span><Toolbar />
          <a class="icon-btn" href="#/settings/notify" aria-label={t('notifySettings')} title={t('notifySettings')}>
            <svg viewBox="0 0 24 24" class="bell" aria-hidden="true"><path d="M12 3a6 6 0 0 0-6 6v4l-2 3h16l-2-3V9a6 6 0 0 0-6-6zm-2 15a2 2 0 0 0 4 0" fill="none" stroke="currentColor" stroke-width="2" stroke-linejoin="round" /></svg>
          </a>
          <a class="icon-btn" href="#/settings/account" aria-label={t('accountSecurity')} title={t('accountSecurity')}>
            <svg viewBox="0 0 24 24" class="bell" aria-hidden="true"><path d="M12 3l7 3v5c0 4.5-3 8.5-7 10-4-1.5-7-5.5-7-10V6z" fill="none" stroke="currentColor" stroke-width="2" stroke-linejoin="round" /></svg>
          </a>
          {session.client.user?.is_admin ? (
            <a class="icon-btn console-link" href="#/admin" aria-label={t('adminConsole')} title={t('adminConsole')}>
              <svg viewBox="0 0 24 24" class="bell" aria-hidden="true"><path d="M4 5h16v10H4zM9 19h6M12 15v4" fill="none" stroke="currentColor" stroke-width="2" stroke-linejoin="round" /></svg>
            </a>
          ) : null}
          <button type="button" class="icon-btn" aria-label={t('signOut')} title={t('signOut')} onClick={() => void store.signOut()}>⎋</button>
        </header>
        <div class="tabs" role="tablist">
          <a href="#/chats" role="tab" aria-selected={!directory && !favs} class={directory || favs ? '' : 'on'}>
            {t('chats')}{unread ? <span class="badge tab-badge" aria-label={`${unread} ${t('unread')}`}>{badgeCount(unread)}</span> : null}
          </a>
          <a href="#/directory" role="tab" aria-selected={directory} class={directory ? 'on' : ''}>{t('directory')}</a>
          <a href="#/favourites" role="tab" aria-selected={favs} class={favs ? 'on' : ''}>{t('favourites')}</a>
        </div>
        <NotifyPrompt />
        <div class="side-body">{directory ? <DirectoryPanel /> : <ConversationList />}</div>
      </nav>
      <main class="main" id="main" tabIndex={-1} ref={main}><MainPane route={route} /></main>
    </div>
  );
}

function MainPane({ route }: { route: Route }) {
  const { t } = useI18n();
  switch (route.name) {
    case 'chat': return <Conversation key={route.id} convId={route.id} at={route.at} />;
    case 'info': return <GroupInfo key={route.id} convId={route.id} />;
    case 'newGroup': return <NewGroup />;
    case 'favourites': return <Favourites />;
    case 'notifySettings': return <NotifySettings />;
    case 'account': return <AccountSecurity />;
    case 'broadcast': return <SendBroadcast />;
    case 'admin': return <AdminConsole section={route.section} />;
    case 'person': return <PersonCard key={`${route.byUser ? 'u' : 'p'}${route.id}`} id={route.id} byUser={route.byUser} />;
    default: return <div class="empty"><Logo size={64} /><p>{route.name === 'directory' ? t('searchPeople') : t('selectChat')}</p></div>;
  }
}
