import { SwitchboardClient, newCmid, type ConnectionState } from '../../../shared/sdk/client.js';
import { ApiClient } from '../../../shared/sdk/api.js';
import { readBy } from '../../../shared/sdk/state.js';
import type { ConversationView, LoginResult, MessageView, SystemBody, UserView } from '../../../shared/protocol/types.js';
import { h, replace, frameThrottle, avatar, muteIcon } from './dom.js';
import { t, getLang, setLang, fmtTime, fmtDay } from './i18n.js';
import { loadSnapshot, saveSnapshot, clearCache } from './cache.js';
import { OrgDirectory, type DirectorySource, type Person, type Department } from './directory.js';
import { render } from 'preact';
import { jsx } from 'preact/jsx-runtime';
import { SignIn } from './views/SignIn.js';
import { Toolbar } from './components/Toolbar.js';

interface Branding { productName: string; themeColor: string; logoUrl: string | null; serverUrl: string | null }

let branding: Branding = { productName: 'Switchboard', themeColor: '#1f6feb', logoUrl: null, serverUrl: null };
let client: SwitchboardClient | null = null;
let directory: DirectorySource | null = null;
/** Names of people seen anywhere (members, directory) by user id, for senders and receipts. */
let users: Record<number, { id: number; name: string; account: string }> = {};
const root = document.getElementById('app')!;

// ---- small utilities -----------------------------------------------------------

const me = (): number => client?.user?.id ?? client?.state.me ?? 0;
const conv = (id: number): ConversationView | undefined => client?.state.conversations[id];

function nameOf(userId: number, c?: ConversationView): string {
  if (userId === me()) return client?.user?.name ?? t('you');
  return c?.members.find((m) => m.user_id === userId)?.name ?? users[userId]?.name ?? `#${userId}`;
}

function convTitle(c: ConversationView): string {
  if (c.kind === 'direct') {
    const other = c.members.find((m) => m.user_id !== me());
    return other?.name ?? nameOf(me());
  }
  return c.title || c.members.map((m) => m.name).slice(0, 4).join(sep());
}

function systemText(m: MessageView, c?: ConversationView): string {
  const b = m.body as SystemBody;
  const actor = nameOf(b.actor_id, c);
  const who = (b.user_ids ?? []).map((u) => nameOf(u, c)).join(sep());
  switch (b.event) {
    case 'created': return t('sysCreated', actor);
    case 'members_added': return t('sysAdded', actor, who);
    case 'member_removed': return t('sysRemoved', actor, who);
    case 'member_left': return t('sysLeft', actor);
    case 'renamed': return t('sysRenamed', actor, b.title ?? '');
    case 'role_changed': return t('sysRole', actor, who);
    case 'owner_changed': return t('sysOwner', actor, who);
    case 'notice_changed': return t('sysNotice', actor);
    default: return '';
  }
}

function preview(m: MessageView | null, c: ConversationView): string {
  if (!m) return '';
  if (m.kind === 'system') return systemText(m, c);
  const text = 'text' in m.body ? m.body.text : 'file' in m.body ? `[${t('file')}] ${m.body.file.name}` : '';
  return c.kind === 'group' && m.sender_id !== me() ? `${nameOf(m.sender_id, c)}: ${text}` : text;
}

const sep = (): string => (getLang() === 'zh' ? '、' : ', ');
const draftKey = (convId: number) => `sb.draft.${me()}.${convId}`;

function api(): ApiClient { return client!.api; }

function errorText(e: unknown): string {
  const code = (e as { code?: string }).code;
  if (code === 'SB_BAD_CREDENTIALS') return t('badCredentials');
  if (code === 'SB_CENTRAL_UNAVAILABLE') return t('cannotReach');
  return (e as Error).message || String(e);
}

// ---- theme and branding ------------------------------------------------------------

function applyTheme(): void {
  const saved = localStorage.getItem('sb.theme');
  if (saved === 'dark' || saved === 'light') document.documentElement.dataset.theme = saved;
  else delete document.documentElement.dataset.theme;
}

function toggleTheme(): void {
  const current = document.documentElement.dataset.theme ?? (matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light');
  localStorage.setItem('sb.theme', current === 'dark' ? 'light' : 'dark');
  applyTheme();
}

function applyBranding(): void {
  document.title = branding.productName;
  document.documentElement.style.setProperty('--accent', branding.themeColor);
  document.querySelector('meta[name="theme-color"]')?.setAttribute('content', branding.themeColor);
}

function logo(size = 32): HTMLElement {
  return h('img', { class: 'logo', src: branding.logoUrl ?? '/icon.svg', width: size, height: size, alt: '' });
}

function toolbar(): HTMLElement {
  return h('div', { class: 'tools' },
    h('button', { type: 'button', class: 'icon-btn', 'aria-label': t('language'), title: t('language'), on: { click: () => { setLang(getLang() === 'zh' ? 'en' : 'zh'); rerenderAll(); } } }, getLang() === 'zh' ? 'EN' : 'ZH'),
    h('button', { type: 'button', class: 'icon-btn', 'aria-label': t('theme'), title: t('theme'), on: { click: toggleTheme } }, '◐'));
}

// ---- sign-in -----------------------------------------------------------------------

function renderSignIn(error = ''): void {
  const server = localStorage.getItem('sb.server') ?? branding.serverUrl ?? location.origin;
  const signIn = (base: string, account: string, password: string) =>
    SwitchboardClient.login(base, account, password, { type: 'web', name: navigator.userAgent.slice(0, 60) }).then((r: LoginResult) => {
      localStorage.setItem('sb.server', base);
      localStorage.setItem('sb.token', r.token);
      localStorage.setItem('sb.uid', String(r.user.id));
      void startSession(base, r.token, r.user.id);
    }, (err: unknown) => { throw new Error(errorText(err)); });
  const tools = jsx(Toolbar, { onLanguage: () => { setLang(getLang() === 'zh' ? 'en' : 'zh'); rerenderAll(); }, onTheme: toggleTheme });
  render(null, root);
  render(jsx(SignIn, { productName: branding.productName, logoUrl: branding.logoUrl, server, error, tools, signIn }), root);
}

/** Marks the first time a screen became usable (read by the web benchmark). */
function usable(name: string): void {
  if (!performance.getEntriesByName(name).length) performance.mark(name);
}

// ---- session -----------------------------------------------------------------------

let saveTimer: ReturnType<typeof setTimeout> | null = null;
function scheduleSave(): void {
  if (saveTimer || !client?.user) return;
  saveTimer = setTimeout(() => {
    saveTimer = null;
    if (client?.user) void saveSnapshot(client.user.id, { state: client.state, pos: client.pos, users: users as Record<number, UserView> });
  }, 800);
}

/** Cuts short the wait between attempts to start a session (the network came back). */
let retryNow: (() => void) | null = null;

async function startSession(base: string, token: string, uid: number): Promise<void> {
  const snap = uid ? await loadSnapshot(uid) : null;
  const c = new SwitchboardClient({ baseUrl: base, token, reconnectMaxMs: 5_000, restore: snap ? { state: snap.state, pos: snap.pos } : undefined });
  client = c;
  directory = new OrgDirectory(c);
  if (snap) { c.state = snap.state; users = snap.users ?? {}; }
  for (const cv of Object.values(c.state.conversations)) for (const m of cv.members) users[m.user_id] ??= { id: m.user_id, name: m.name, account: '' };
  renderShell();
  // Messages written earlier and not yet acknowledged (the page was closed while offline): same cmid, stored once.
  for (const q of loadOutbox(uid)) c.send(q.convId, q.text, q.cmid).catch(() => {});
  onChanged();
  c.on('changed', () => { onChanged(); scheduleSave(); saveOutbox(); });
  c.on('state', () => updateBanner());
  c.on('link', () => updateBanner());
  c.on('presence', () => { chatView?.updateHeader(); personCard?.refresh(); });
  c.on('ended', () => { void signOut(false); });
  c.on('directory', () => { void directoryPanel?.loadTree(); void directoryPanel?.refresh(); void personCard?.refresh(); });
  c.on('event', (ev) => { if (ev.type === 'user.updated') { users[ev.user.id] = ev.user; directoryPanel?.refresh(); personCard?.refresh(); } });
  for (let delay = 1000; client === c; delay = Math.min(delay * 2, 15_000)) {
    try {
      await c.start();
      break;
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code === 'SB_UNAUTHENTICATED' || code === 'SB_TOKEN_EXPIRED' || code === 'SB_USER_DISABLED') { await signOut(false); return; }
      updateBanner();
      await new Promise<void>((r) => { retryNow = r; setTimeout(r, delay); });
      retryNow = null;
    }
  }
  if (client !== c) return;
  localStorage.setItem('sb.uid', String(c.user!.id));
  rerenderAll();
  scheduleSave();
}

/** The send queue, kept in localStorage so a reload while offline loses nothing. */
const outboxKey = (uid: number) => `sb.outbox.${uid}`;
function loadOutbox(uid: number): { convId: number; cmid: string; text: string }[] {
  try { return JSON.parse(localStorage.getItem(outboxKey(uid)) ?? '[]') as { convId: number; cmid: string; text: string }[]; } catch { return []; }
}
function saveOutbox(): void {
  if (!client) return;
  const uid = me();
  if (!uid) return;
  const items = client.queued().flatMap((q) => ('text' in q.body ? [{ convId: q.convId, cmid: q.cmid, text: q.body.text }] : []));
  if (items.length) localStorage.setItem(outboxKey(uid), JSON.stringify(items)); else localStorage.removeItem(outboxKey(uid));
}

async function signOut(callServer = true): Promise<void> {
  const c = client;
  client = null;
  if (c) { if (callServer) await c.logout().catch(() => c.stop()); else c.stop(); }
  for (const k of Object.keys(localStorage)) if (k.startsWith('sb.draft.') || k.startsWith('sb.outbox.')) localStorage.removeItem(k);
  localStorage.removeItem('sb.token');
  localStorage.removeItem('sb.uid');
  users = {};
  chatView = null; directoryPanel = null; personCard = null;
  await clearCache();
  location.hash = '';
  renderSignIn();
}

// ---- routing and the shell ---------------------------------------------------------

type Route =
  | { name: 'chats' } | { name: 'chat'; id: number } | { name: 'info'; id: number } | { name: 'newGroup' }
  | { name: 'directory' } | { name: 'person'; id: number; byUser: boolean };

function parseRoute(): Route {
  const parts = location.hash.replace(/^#\/?/, '').split('/');
  const id = Number(parts[1]);
  if (parts[0] === 'chat' && id) return parts[2] === 'info' ? { name: 'info', id } : { name: 'chat', id };
  if (parts[0] === 'new-group') return { name: 'newGroup' };
  if (parts[0] === 'directory' && parts[1] === 'user' && Number(parts[2])) return { name: 'person', id: Number(parts[2]), byUser: true };
  if (parts[0] === 'directory') return id ? { name: 'person', id, byUser: false } : { name: 'directory' };
  return { name: 'chats' };
}

let route: Route = parseRoute();
let chatView: ChatView | null = null;
let directoryPanel: DirectoryPanel | null = null;
let personCard: PersonCard | null = null;
let chatSearch = '';
const side = h('div', { class: 'side-body' });
const mainPane = h('main', { class: 'main', id: 'main', tabindex: '-1' });
const banner = h('div', { class: 'banner', role: 'status', 'aria-live': 'polite' });

function renderShell(): void {
  const section = route.name === 'directory' || route.name === 'person' ? 'directory' : 'chats';
  const shell = h('div', { class: `shell ${route.name === 'chats' || route.name === 'directory' ? 'at-side' : 'at-main'}` },
    h('a', { class: 'skip', href: '#main', on: { click: (e: Event) => { e.preventDefault(); mainPane.focus(); } } }, t('skip')),
    banner,
    h('nav', { class: 'side', 'aria-label': branding.productName },
      h('header', { class: 'side-head' }, logo(28), h('span', { class: 'product' }, branding.productName), toolbar(),
        h('button', { type: 'button', class: 'icon-btn', 'aria-label': t('signOut'), title: t('signOut'), on: { click: () => void signOut() } }, '⎋')),
      h('div', { class: 'tabs', role: 'tablist' },
        h('a', { href: '#/chats', role: 'tab', 'aria-selected': String(section === 'chats'), class: section === 'chats' ? 'on' : '' }, t('chats'), totalUnreadBadge()),
        h('a', { href: '#/directory', role: 'tab', 'aria-selected': String(section === 'directory'), class: section === 'directory' ? 'on' : '' }, t('directory'))),
      side),
    mainPane);
  render(null, root);
  replace(root, shell);
  renderSide();
  renderMain();
  updateBanner();
}

function totalUnreadBadge(): HTMLElement | null {
  if (!client) return null;
  const n = Object.values(client.state.conversations).filter((c) => !c.muted).reduce((a, c) => a + c.unread, 0);
  return n ? h('span', { class: 'badge tab-badge', 'aria-label': `${n} ${t('unread')}` }, n > 99 ? '99+' : n) : null;
}

function renderSide(): void {
  if (route.name === 'directory' || route.name === 'person') {
    directoryPanel ??= new DirectoryPanel();
    replace(side, directoryPanel.el);
    directoryPanel.markCurrent();
  } else {
    directoryPanel = null;
    renderChatList();
  }
}

function renderMain(): void {
  chatView?.dispose();
  chatView = null;
  personCard = null;
  switch (route.name) {
    case 'chat': chatView = new ChatView(route.id); replace(mainPane, chatView.el); chatView.update(true); chatView.focusComposer(); break;
    case 'info': replace(mainPane, groupInfo(route.id)); break;
    case 'newGroup': replace(mainPane, newGroupView()); break;
    case 'person': personCard = new PersonCard(route.id, route.byUser); replace(mainPane, personCard.el); break;
    default: replace(mainPane, h('div', { class: 'empty' }, logo(64), h('p', null, route.name === 'directory' ? t('searchPeople') : t('selectChat'))));
  }
}

function rerenderAll(): void { if (client) renderShell(); else renderSignIn(); }

window.addEventListener('hashchange', () => {
  if (!client) return;
  const before = route;
  route = parseRoute();
  const sameSide = (before.name === 'directory' || before.name === 'person') === (route.name === 'directory' || route.name === 'person');
  if (!sameSide) { renderShell(); return; }
  document.querySelector('.shell')?.classList.toggle('at-side', route.name === 'chats' || route.name === 'directory');
  document.querySelector('.shell')?.classList.toggle('at-main', !(route.name === 'chats' || route.name === 'directory'));
  if (route.name === 'chats' || route.name === 'directory') { renderSide(); }
  else if (directoryPanel) directoryPanel.markCurrent();
  else renderChatList();
  renderMain();
});

const onChanged = frameThrottle(() => {
  if (!client) return;
  if (!directoryPanel) renderChatList();
  const unread = Object.values(client.state.conversations).filter((c) => !c.muted).reduce((a, c) => a + c.unread, 0);
  document.title = unread ? `(${unread > 99 ? '99+' : unread}) ${branding.productName}` : branding.productName;
  const tab = document.querySelector('.tabs a[href="#/chats"]');
  if (tab) { tab.querySelector('.badge')?.remove(); const b = totalUnreadBadge(); if (b) tab.appendChild(b); }
  chatView?.updateHeader();
  chatView?.update();
  if (route.name === 'info' && !document.querySelector('.group-info input:focus, .group-info details[open]')) replace(mainPane, groupInfo(route.id));
  if (route.name === 'chat' && !conv(route.id) && client.connection === 'online') location.hash = '#/chats';
});

function updateBanner(): void {
  if (!client) return;
  const s: ConnectionState = client.connection;
  const queued = client.pendingCount;
  let text = '';
  if (s === 'reconnecting' || (s === 'closed' && client === null)) text = t('reconnecting');
  else if (s === 'connecting' || s === 'idle') text = t('connecting');
  else if (client.central === 'down') text = t('centralDown');
  if (text && queued) text += ` · ${t('pending', queued)}`;
  banner.textContent = text;
  banner.dataset.state = s;
  banner.hidden = !text;
  document.body.dataset.connection = s;
}

// ---- conversation list ---------------------------------------------------------------

function renderChatList(): void {
  if (!client) return;
  const focusedKey = (document.activeElement as HTMLElement | null)?.dataset?.key;
  let search = side.querySelector<HTMLInputElement>('input.chat-search');
  const list = h('ul', { class: 'conv-list', 'aria-label': t('chats') });
  if (!search) {
    search = h('input', { class: 'chat-search search', type: 'search', placeholder: t('searchChats'), 'aria-label': t('searchChats'), value: chatSearch,
      on: { input: (e: Event) => { chatSearch = (e.target as HTMLInputElement).value; renderChatList(); } } });
    replace(side, h('div', { class: 'side-tools' }, search,
      h('a', { class: 'icon-btn', href: '#/new-group', 'aria-label': t('newGroup'), title: t('newGroup') }, '+')), list);
  } else {
    side.querySelector('.conv-list')!.replaceWith(list);
  }
  const q = chatSearch.trim().toLowerCase();
  const convs = client.conversations().filter((c) => !q || convTitle(c).toLowerCase().includes(q) || c.members.some((m) => m.name.toLowerCase().includes(q)) || preview(c.last_message, c).toLowerCase().includes(q));
  const current = route.name === 'chat' || route.name === 'info' ? route.id : 0;
  for (const c of convs) {
    const title = convTitle(c);
    const label = [title, c.unread ? `${c.unread} ${t('unread')}` : '', c.muted ? t('muted') : ''].filter(Boolean).join(', ');
    list.appendChild(h('li', null, h('a', {
      class: `conv${c.id === current ? ' current' : ''}${c.unread ? ' has-unread' : ''}`, href: `#/chat/${c.id}`, 'data-key': `c${c.id}`, 'data-conv': c.id,
      'aria-current': c.id === current ? 'page' : undefined, 'aria-label': label,
    },
    avatar(title),
    h('span', { class: 'conv-text' },
      h('span', { class: 'conv-top' }, h('span', { class: 'conv-title' }, title), h('time', { class: 'conv-time' }, c.last_message ? fmtTime(c.last_message.created_at) : '')),
      h('span', { class: 'conv-bottom' }, h('span', { class: 'conv-preview' }, preview(c.last_message, c)),
        c.muted ? muteIcon(t('muted')) : null,
        c.unread ? h('span', { class: `badge${c.muted ? ' muted' : ''}`, 'aria-hidden': 'true' }, c.unread > 99 ? '99+' : c.unread) : null)))));
  }
  if (!convs.length) list.appendChild(h('li', { class: 'empty-note' }, q ? t('noResults') : t('noChats')));
  else usable('sb:list');
  list.addEventListener('keydown', listKeys);
  if (focusedKey) side.querySelector<HTMLElement>(`[data-key="${focusedKey}"]`)?.focus();
}

/** Arrow keys move between the items of a list; Home/End jump. */
function listKeys(e: KeyboardEvent): void {
  const items = [...(e.currentTarget as HTMLElement).querySelectorAll<HTMLElement>('a, button.person')];
  const i = items.indexOf(document.activeElement as HTMLElement);
  let next = -1;
  if (e.key === 'ArrowDown') next = Math.min(items.length - 1, i + 1);
  else if (e.key === 'ArrowUp') next = Math.max(0, i - 1);
  else if (e.key === 'Home') next = 0;
  else if (e.key === 'End') next = items.length - 1;
  if (next >= 0 && items[next]) { e.preventDefault(); items[next]!.focus(); }
}

// ---- chat view ----------------------------------------------------------------------

interface Failed { cmid: string; text: string }
const failedSends: Record<number, Failed[]> = {};
const uploads: Record<number, { cmid: string; name: string }[]> = {};

class ChatView {
  readonly el: HTMLElement;
  private readonly header = h('header', { class: 'chat-head' });
  private readonly scroller = h('div', { class: 'messages', role: 'log', 'aria-live': 'polite', tabindex: '0' });
  private readonly status = h('div', { class: 'history-status' });
  private readonly input: HTMLTextAreaElement;
  private readonly nodes = new Map<string, { el: HTMLElement; receipt?: HTMLElement; sig?: string }>();
  private shown = 60;
  private loading = false;
  private marking = false;
  private pinned = true;
  private firstKey = '';

  constructor(readonly convId: number) {
    this.input = h('textarea', { class: 'composer-input', rows: 1, placeholder: t('messagePlaceholder'), 'aria-label': t('messagePlaceholder'), value: localStorage.getItem(draftKey(convId)) ?? '',
      on: {
        input: () => { this.saveDraft(); this.grow(); },
        keydown: (e: KeyboardEvent) => {
          if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && e.keyCode !== 229) { e.preventDefault(); this.send(); }
        },
      } });
    const picker = h('input', { type: 'file', multiple: true, hidden: true, 'aria-label': t('attach'), tabindex: '-1', on: { change: (e: Event) => {
      const input = e.target as HTMLInputElement;
      for (const file of [...(input.files ?? [])]) this.sendFile(file);
      input.value = '';
    } } });
    const form = h('form', { class: 'composer', on: { submit: (e: Event) => { e.preventDefault(); this.send(); } } },
      h('button', { type: 'button', class: 'icon-btn attach', 'aria-label': t('attach'), title: t('attach'), on: { click: () => picker.click() } }, '+'), picker,
      this.input, h('button', { type: 'submit', class: 'primary send', 'aria-label': t('send') }, t('send')));
    this.el = h('section', { class: 'chat', 'aria-label': convTitle(conv(convId) ?? { kind: 'group', title: '', members: [] } as unknown as ConversationView) },
      this.header, this.scroller, form);
    this.scroller.addEventListener('scroll', () => this.onScroll(), { passive: true });
    this.updateHeader();
    const c = conv(convId);
    const other = c?.kind === 'direct' ? c.members.find((m) => m.user_id !== me()) : undefined;
    if (other && client?.connection === 'online') void client.queryPresence([other.user_id]).then(() => this.updateHeader(), () => {});
    this.grow();
  }

  dispose(): void { this.saveDraft(); }
  focusComposer(): void { this.grow(); if (matchMedia('(min-width: 720px)').matches) this.input.focus(); }

  private saveDraft(): void {
    const v = this.input.value;
    if (v) localStorage.setItem(draftKey(this.convId), v); else localStorage.removeItem(draftKey(this.convId));
  }

  private grow(): void {
    if (!this.input.isConnected) return;
    this.input.style.height = 'auto';
    this.input.style.height = `${Math.min(this.input.scrollHeight, 160)}px`;
  }

  updateHeader(): void {
    const c = conv(this.convId);
    if (!c) { replace(this.header, h('a', { class: 'icon-btn back', href: '#/chats', 'aria-label': t('back') }, '‹')); return; }
    const title = convTitle(c);
    let sub = '';
    if (c.kind === 'group') sub = t('members', c.members.length);
    else {
      const other = c.members.find((m) => m.user_id !== me());
      const p = other ? client?.presence[other.user_id] : undefined;
      if (p) sub = t(p.status);
    }
    replace(this.header,
      h('a', { class: 'icon-btn back', href: '#/chats', 'aria-label': t('back') }, '‹'),
      avatar(title),
      h('div', { class: 'chat-title' }, h('h2', null, title, c.muted ? muteIcon(t('muted')) : null), sub ? h('span', { class: 'sub' }, sub) : null),
      h('a', { class: 'icon-btn', href: `#/chat/${c.id}/info`, 'aria-label': c.kind === 'group' ? t('groupInfo') : t('chatInfo'), title: c.kind === 'group' ? t('groupInfo') : t('chatInfo') }, '⋯'));
  }

  private send(): void {
    const text = this.input.value.replace(/\s+$/, '');
    if (!text.trim() || !client) return;
    const cmid = newCmid();
    const convId = this.convId;
    client.send(convId, text, cmid).catch((e: unknown) => {
      (failedSends[convId] ??= []).push({ cmid, text: `${text}` });
      void e;
      onChanged();
    });
    saveOutbox();
    this.input.value = '';
    localStorage.removeItem(draftKey(convId));
    this.grow();
    this.pinned = true;
    this.update();
    updateBanner();
  }

  /** Uploads through the relay, then sends; shown as "uploading" until the message is stored. */
  private sendFile(file: File): void {
    if (!client) return;
    const convId = this.convId;
    const cmid = newCmid();
    const list = (uploads[convId] ??= []);
    list.push({ cmid, name: file.name });
    this.pinned = true;
    this.update();
    client.sendFile(convId, file.name, file.type || 'application/octet-stream', file, cmid).catch(() => {
      (failedSends[convId] ??= []).push({ cmid, text: `${t('file')}: ${file.name}` });
    }).finally(() => {
      uploads[convId] = (uploads[convId] ?? []).filter((u) => u.cmid !== cmid);
      onChanged();
    });
  }

  private onScroll(): void {
    const s = this.scroller;
    this.pinned = s.scrollHeight - s.scrollTop - s.clientHeight < 40;
    if (this.pinned) { this.markRead(); if (this.shown > 60) { this.shown = 60; this.update(); } }
    if (s.scrollTop < 120 && !this.loading) void this.older();
  }

  /** Shows more of the loaded history, fetching older pages from the server when needed. */
  private async older(): Promise<void> {
    if (!client) return;
    const msgs = client.messages(this.convId);
    if (this.shown < msgs.length) { this.shown += 50; this.update(); return; }
    if (!msgs.length || msgs[0]!.seq <= 1) { this.status.textContent = msgs.length ? t('beginning') : ''; return; }
    this.loading = true;
    this.status.textContent = t('loadingOlder');
    try {
      const added = await client.loadOlder(this.convId, 50);
      this.shown += added;
    } catch { /* offline: scrolling again retries */ }
    this.loading = false;
    this.update();
  }

  private markRead(): void {
    const c = conv(this.convId);
    if (!client || !c || this.marking || document.visibilityState !== 'visible' || client.connection !== 'online') return;
    if (c.read_seq >= c.last_seq) return;
    this.marking = true;
    client.markRead(this.convId).catch(() => {}).finally(() => { this.marking = false; });
  }

  update(initial = false): void {
    if (!client) return;
    const c = conv(this.convId);
    if (!c) return;
    const s = this.scroller;
    const fromBottom = s.scrollHeight - s.scrollTop;
    const all = client.messages(this.convId);
    const msgs = all.slice(Math.max(0, all.length - this.shown));
    const nodes: Node[] = [this.status];
    if (all.length && all[0]!.seq <= 1 && msgs.length === all.length) this.status.textContent = t('beginning');
    else if (!this.loading) this.status.textContent = '';
    let lastDay = '';
    let lastSender = -1;
    const delivered = new Set<string>();
    for (const m of msgs) {
      delivered.add(m.cmid);
      const day = new Date(m.created_at).toDateString();
      if (day !== lastDay) {
        lastDay = day;
        lastSender = -1;
        nodes.push(this.node(`d${day}`, () => h('div', { class: 'day', role: 'separator' }, h('span', null, fmtDay(m.created_at)))).el);
      }
      if (m.kind === 'system') { lastSender = -1; nodes.push(this.node(`m${m.seq}`, () => h('div', { class: 'system' }, systemText(m, c))).el); continue; }
      const showName = c.kind === 'group' && m.sender_id !== me() && m.sender_id !== lastSender;
      lastSender = m.sender_id;
      const entry = this.node(`m${m.seq}${showName ? 'n' : ''}`, () => this.bubble(m, c, showName));
      if (entry.receipt) this.updateReceipt(entry, m, c);
      nodes.push(entry.el);
    }
    for (const q of client.queued(this.convId)) {
      if (delivered.has(q.cmid) || !('text' in q.body)) continue;
      nodes.push(this.node(`p${q.cmid}`, () => h('div', { class: 'msg mine pending', 'data-cmid': q.cmid },
        h('div', { class: 'bubble' }, (q.body as { text: string }).text), h('div', { class: 'meta' }, h('span', { class: 'state' }, t('sending'))))).el);
    }
    for (const u of uploads[this.convId] ?? []) {
      if (delivered.has(u.cmid)) continue;
      nodes.push(this.node(`u${u.cmid}`, () => h('div', { class: 'msg mine pending' }, h('div', { class: 'bubble' }, `📄 ${u.name}`), h('div', { class: 'meta' }, h('span', { class: 'state' }, t('uploading'))))).el);
    }
    for (const f of failedSends[this.convId] ?? []) {
      nodes.push(this.node(`f${f.cmid}`, () => h('div', { class: 'msg mine failed' }, h('div', { class: 'bubble' }, f.text), h('div', { class: 'meta' }, h('span', { class: 'state' }, t('failed'))))).el);
    }
    const keep = new Set(nodes.map((n) => (n as HTMLElement).dataset?.key));
    for (const k of this.nodes.keys()) if (!keep.has(k)) this.nodes.delete(k);
    const first = msgs[0] ? `m${msgs[0].seq}` : '';
    const prepended = this.firstKey !== '' && first !== this.firstKey;
    this.firstKey = first;
    s.replaceChildren(...nodes);
    if (initial || this.pinned) s.scrollTop = s.scrollHeight;
    else if (prepended) s.scrollTop = s.scrollHeight - fromBottom;
    if (this.pinned) this.markRead();
  }

  private node(key: string, make: () => HTMLElement): { el: HTMLElement; receipt?: HTMLElement; sig?: string } {
    let entry = this.nodes.get(key);
    if (!entry) {
      const el = make();
      el.dataset.key = key;
      entry = { el, receipt: el.querySelector<HTMLElement>('.receipt') ?? undefined };
      this.nodes.set(key, entry);
    }
    return entry;
  }

  private bubble(m: MessageView, c: ConversationView, showName: boolean): HTMLElement {
    const mine = m.sender_id === me();
    const name = nameOf(m.sender_id, c);
    let content: Node | string;
    if ('text' in m.body) content = m.body.text;
    else if ('file' in m.body) {
      const f = m.body.file;
      content = h('button', { type: 'button', class: 'file', on: { click: () => void downloadFile(f.id, f.name, f.mime) } }, `📄 ${f.name} (${Math.ceil(f.size / 1024)} KB)`);
    } else content = '';
    return h('div', { class: `msg${mine ? ' mine' : ''}`, 'data-seq': m.seq },
      !mine && c.kind === 'group' ? (showName ? avatar(name, 'sm') : h('span', { class: 'avatar-gap' })) : null,
      h('div', { class: 'msg-body' },
        showName ? h('div', { class: 'sender' }, name) : null,
        h('div', { class: 'bubble' }, content),
        h('div', { class: 'meta' }, h('time', { datetime: new Date(m.created_at).toISOString() }, fmtTime(m.created_at, true)),
          mine ? h('span', { class: 'receipt' }) : null)));
  }

  private updateReceipt(entry: { receipt?: HTMLElement; sig?: string }, m: MessageView, c: ConversationView): void {
    const r = readBy(c, m);
    const sig = `${r.read}/${r.of}/${getLang()}`;
    if (entry.sig === sig || !entry.receipt) return;
    entry.sig = sig;
    if (c.kind === 'direct') {
      const read = r.read > 0;
      entry.receipt.className = `receipt ${read ? 'is-read' : 'is-unread'}`;
      entry.receipt.textContent = read ? t('read') : t('unread');
      return;
    }
    const unread = r.of - r.read;
    entry.receipt.className = `receipt ${unread ? 'is-unread' : 'is-read'}`;
    const readers = new Set(r.readers);
    const others = c.members.filter((x) => x.user_id !== m.sender_id);
    replace(entry.receipt, h('details', null,
      h('summary', null, unread ? t('nUnread', unread) : t('allRead')),
      h('div', { class: 'readers' },
        h('div', null, h('strong', null, t('readBy')), ' ', others.filter((x) => readers.has(x.user_id)).map((x) => x.name).join(sep()) || '—'),
        h('div', null, h('strong', null, t('notReadBy')), ' ', others.filter((x) => !readers.has(x.user_id)).map((x) => x.name).join(sep()) || '—'))));
  }
}

async function downloadFile(id: number, name: string, mime: string): Promise<void> {
  const bytes = await api().download(id);
  const url = URL.createObjectURL(new Blob([bytes as BlobPart], { type: mime }));
  const a = h('a', { href: url, download: name });
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

// ---- people picker, new group, group info ---------------------------------------------

/** A searchable list of people with checkboxes; `exclude` hides current members. */
function peoplePicker(selected: Set<number>, exclude: Set<number>, onChange: () => void): HTMLElement {
  const list = h('ul', { class: 'picker-list', 'aria-label': t('selectPeople') });
  const load = async (q: string) => {
    if (!directory) return;
    let people: Person[] = [];
    try { people = await directory.search(q); } catch { /* offline */ }
    replace(list, people.filter((p) => p.userId !== null && !exclude.has(p.userId) && p.userId !== me()).map((p) => {
      const uid = p.userId!;
      users[uid] = { id: uid, name: p.name, account: p.account };
      return h('li', null, h('label', { class: 'pick' },
        h('input', { type: 'checkbox', checked: selected.has(uid), 'data-user': uid, on: { change: (e: Event) => {
          if ((e.target as HTMLInputElement).checked) selected.add(uid); else selected.delete(uid);
          onChange();
        } } }),
        avatar(p.name, 'sm'), h('span', null, p.name), h('span', { class: 'muted-text' }, p.account)));
    }));
  };
  let timer: ReturnType<typeof setTimeout> | null = null;
  const search = h('input', { type: 'search', class: 'search', placeholder: t('searchPeople'), 'aria-label': t('searchPeople'),
    on: { input: (e: Event) => { if (timer) clearTimeout(timer); const v = (e.target as HTMLInputElement).value; timer = setTimeout(() => void load(v), 200); } } });
  void load('');
  return h('div', { class: 'picker' }, search, list);
}

function newGroupView(): HTMLElement {
  const selected = new Set<number>();
  const count = h('span', { class: 'muted-text', 'aria-live': 'polite' }, t('selected', 0));
  const title = h('input', { name: 'title', placeholder: t('groupName'), 'aria-label': t('groupName'), maxlength: 100 });
  const create = h('button', { type: 'submit', class: 'primary', disabled: true }, t('create'));
  const error = h('p', { class: 'form-error', role: 'alert' });
  const form = h('form', { class: 'panel new-group' },
    h('header', { class: 'chat-head' }, h('a', { class: 'icon-btn back', href: '#/chats', 'aria-label': t('back') }, '‹'), h('h2', null, t('newGroup'))),
    h('div', { class: 'panel-body' }, title, h('h3', null, t('selectPeople'), ' ', count),
      peoplePicker(selected, new Set(), () => { count.textContent = t('selected', selected.size); create.disabled = selected.size === 0; }),
      error, h('div', { class: 'actions' }, h('a', { class: 'button', href: '#/chats' }, t('cancel')), create)));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (!client || !selected.size) return;
    create.disabled = true;
    client.createGroup(title.value.trim(), [...selected]).then((c) => { location.hash = `#/chat/${c.id}`; }, (err: unknown) => { create.disabled = false; error.textContent = errorText(err); });
  });
  return form;
}

function groupInfo(convId: number): HTMLElement {
  const c = conv(convId);
  if (!c || !client) return h('div', { class: 'empty' }, h('a', { href: '#/chats' }, t('back')));
  const mine = c.members.find((m) => m.user_id === me());
  const canManage = mine?.role === 'owner' || mine?.role === 'admin';
  const error = h('p', { class: 'form-error', role: 'alert' });
  const act = (p: Promise<unknown>) => p.then(() => onChanged(), (e: unknown) => { error.textContent = errorText(e); });
  const body = h('div', { class: 'panel-body' });
  if (c.kind === 'group') {
    const titleInput = h('input', { value: c.title, 'aria-label': t('groupName'), maxlength: 100, disabled: !canManage });
    body.appendChild(h('form', { class: 'row', on: { submit: (e: Event) => { e.preventDefault(); void act(api().call('conv.rename', { conv_id: convId, title: titleInput.value.trim(), cmid: newCmid() })); } } },
      h('label', { class: 'grow' }, t('groupName'), titleInput), canManage ? h('button', { type: 'submit' }, t('save')) : null));
    if (c.notice) body.appendChild(h('section', { class: 'notice' }, h('h3', null, t('notice')), h('p', null, c.notice)));
  }
  body.appendChild(h('label', { class: 'switch' }, h('input', { type: 'checkbox', checked: c.muted, on: { change: (e: Event) => {
    const muted = (e.target as HTMLInputElement).checked;
    void act(api().call<ConversationView>('conv.mute', { conv_id: convId, muted }).then(() => { const cv = conv(convId); if (cv) cv.muted = muted; }));
  } } }), t('mute')));
  body.appendChild(h('h3', null, t('members', c.members.length)));
  const roleName = (r: string) => (r === 'owner' ? t('owner') : r === 'admin' ? t('admin') : '');
  body.appendChild(h('ul', { class: 'member-list' }, c.members.map((m) => h('li', null, avatar(m.name, 'sm'),
    h('a', { href: `#/directory/user/${m.user_id}` }, m.name), roleName(m.role) ? h('span', { class: 'tag' }, roleName(m.role)) : null,
    c.kind === 'group' && canManage && m.user_id !== me() && m.role !== 'owner'
      ? h('button', { type: 'button', class: 'small', 'aria-label': `${t('remove')} ${m.name}`, on: { click: () => void act(api().call('conv.removeMember', { conv_id: convId, user_id: m.user_id, cmid: newCmid() })) } }, t('remove'))
      : null))));
  if (c.kind === 'group') {
    const selected = new Set<number>();
    const add = h('button', { type: 'button', class: 'primary', disabled: true, on: { click: () => {
      void act(api().call('conv.addMembers', { conv_id: convId, user_ids: [...selected], cmid: newCmid() })
        .then(() => { if (route.name === 'info' && route.id === convId) replace(mainPane, groupInfo(convId)); }));
    } } }, t('addMembers'));
    body.appendChild(h('details', { class: 'add-members' }, h('summary', null, t('addMembers')),
      peoplePicker(selected, new Set(c.members.map((m) => m.user_id)), () => { add.disabled = selected.size === 0; }), add));
    body.appendChild(h('button', { type: 'button', class: 'danger', on: { click: () => {
      if (!confirm(t('leaveConfirm'))) return;
      api().call('conv.leave', { conv_id: convId, cmid: newCmid() }).then(() => { location.hash = '#/chats'; }, (e: unknown) => { error.textContent = errorText(e); });
    } } }, t('leave')));
  }
  body.appendChild(error);
  return h('section', { class: 'panel group-info', 'aria-label': c.kind === 'group' ? t('groupInfo') : t('chatInfo') },
    h('header', { class: 'chat-head' }, h('a', { class: 'icon-btn back', href: `#/chat/${convId}`, 'aria-label': t('back') }, '‹'),
      h('h2', null, c.kind === 'group' ? t('groupInfo') : t('chatInfo'))), body);
}

// ---- directory ---------------------------------------------------------------------

class DirectoryPanel {
  readonly el: HTMLElement;
  private readonly results = h('ul', { class: 'people', 'aria-label': t('people') });
  private readonly treeEl = h('div', { class: 'dept-tree' });
  private query = '';
  private dept: number | undefined;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor() {
    const search = h('input', { type: 'search', class: 'search dir-search', placeholder: t('searchPeople'), 'aria-label': t('searchPeople'),
      on: { input: (e: Event) => { this.query = (e.target as HTMLInputElement).value; if (this.timer) clearTimeout(this.timer); this.timer = setTimeout(() => void this.refresh(), 200); } } });
    this.results.addEventListener('keydown', listKeys);
    this.el = h('div', { class: 'directory' }, h('div', { class: 'side-tools' }, search), this.treeEl, this.results);
    void this.loadTree();
    void this.refresh();
  }

  async loadTree(): Promise<void> {
    if (!directory) return;
    let tree: Department[] = [];
    try { tree = await directory.tree(); } catch { /* none */ }
    if (!tree.length) { this.treeEl.hidden = true; return; }
    const render = (d: Department): HTMLElement => h('li', null,
      h('button', { type: 'button', class: `dept${this.dept === d.id ? ' on' : ''}`, 'aria-pressed': String(this.dept === d.id), on: { click: () => { this.dept = this.dept === d.id ? undefined : d.id; void this.loadTree(); void this.refresh(); } } }, d.name),
      d.children.length ? h('ul', null, d.children.map(render)) : null);
    replace(this.treeEl, h('h3', null, t('departments')), h('ul', null, tree.map(render)));
    this.treeEl.hidden = false;
  }

  async refresh(): Promise<void> {
    if (!directory) return;
    let people: Person[];
    try { people = await directory.search(this.query, this.dept); } catch { return; }
    const focused = (document.activeElement as HTMLElement | null)?.dataset?.key;
    replace(this.results, people.map((p) => {
      if (p.userId !== null) users[p.userId] = { id: p.userId, name: p.name, account: p.account };
      return h('li', null, h('a', { class: 'person-row', href: `#/directory/${p.id}`, 'data-key': `p${p.id}`, 'data-person': p.id, 'data-user': p.userId ?? undefined },
        avatar(p.name, 'sm'), h('span', { class: 'person-name' }, p.name), h('span', { class: 'muted-text' }, p.title ?? p.department ?? p.account)));
    }));
    if (!people.length) this.results.appendChild(h('li', { class: 'empty-note' }, t('noResults')));
    if (focused) this.results.querySelector<HTMLElement>(`[data-key="${focused}"]`)?.focus();
    this.markCurrent();
  }

  markCurrent(): void {
    const id = route.name === 'person' ? route.id : 0;
    for (const a of this.results.querySelectorAll<HTMLElement>('a.person-row')) {
      const on = route.name === 'person' && (route.byUser ? Number(a.dataset.user) === id : Number(a.dataset.person) === id);
      a.classList.toggle('current', on);
      if (on) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
    }
  }
}

class PersonCard {
  readonly el = h('section', { class: 'panel person-card', 'aria-live': 'polite' });
  constructor(readonly id: number, readonly byUser: boolean) { void this.refresh(); }

  async refresh(): Promise<void> {
    if (!directory || !client) return;
    let p: Person;
    try { p = this.byUser ? await directory.personOfUser(this.id) : await directory.person(this.id); } catch (e) { replace(this.el, h('p', { class: 'form-error' }, errorText(e))); return; }
    const uid = p.userId;
    if (uid !== null) users[uid] = { id: uid, name: p.name, account: p.account };
    if (uid !== null && client.connection === 'online' && !client.presence[uid]) void client.queryPresence([uid]).then(() => this.refresh(), () => {});
    const presence = uid !== null ? client.presence[uid] : undefined;
    const field = (label: string, v?: string) => v === undefined ? null : h('div', { class: 'field' }, h('dt', null, label),
      h('dd', v === '***' ? { 'aria-label': `${label}: ${t('confidential')}`, class: 'masked' } : null, v));
    replace(this.el,
      h('header', { class: 'chat-head' }, h('a', { class: 'icon-btn back', href: '#/directory', 'aria-label': t('back') }, '‹'), h('h2', null, t('directory'))),
      h('div', { class: 'card' }, avatar(p.name),
        h('h3', { class: 'card-name' }, p.name), presence ? h('span', { class: `presence ${presence.status}` }, t(presence.status)) : null,
        h('dl', null, field(t('account'), p.account), field(t('englishName'), p.englishName), field(t('department'), p.department),
          field(t('title'), p.title), field(t('mobile'), p.mobile), field(t('phone'), p.phone), field(t('email'), p.email), field(t('employeeNo'), p.employeeNo)),
        uid !== null && uid !== me() ? h('button', { type: 'button', class: 'primary', on: { click: () => {
          client!.openDirect(uid).then((c) => { location.hash = `#/chat/${c.id}`; }, (e: unknown) => alert(errorText(e)));
        } } }, t('sendMessage')) : null));
  }
}

// ---- live and offline ----------------------------------------------------------------

window.addEventListener('online', () => { retryNow?.(); client?.wake(); });
window.addEventListener('offline', () => { client?.dropConnection(); updateBanner(); });
document.addEventListener('visibilitychange', () => { if (document.visibilityState === 'visible') { client?.wake(); chatView?.update(); } });

// ---- boot --------------------------------------------------------------------------

export async function boot(): Promise<void> {
  applyTheme();
  // index.html starts this request before the modules load.
  const early = (window as { sbBranding?: Promise<Partial<Branding> | null> }).sbBranding;
  try {
    const b = early ? await early : await fetch('/api/v1/branding').then((r) => (r.ok ? r.json() as Promise<Partial<Branding>> : null));
    if (b) branding = { ...branding, ...b };
  } catch { /* offline: defaults */ }
  applyBranding();
  const token = localStorage.getItem('sb.token');
  const base = localStorage.getItem('sb.server') ?? branding.serverUrl ?? location.origin;
  if (token) await startSession(base, token, Number(localStorage.getItem('sb.uid') ?? 0));
  else renderSignIn();
  if ('serviceWorker' in navigator && isSecureContext) navigator.serviceWorker.register('/sw.js').catch(() => {});
}
