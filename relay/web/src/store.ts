import { computed, effect, signal } from '@preact/signals';
import { SwitchboardClient } from '../../../shared/sdk/client.js';
import { makeI18n, savedLang, type Lang } from './i18n.js';
import { parseRoute, type Route } from './route.js';
import { Session, type WipeCause } from './session.js';
import { acknowledgeWipe, wipeOrderOf, wipeThisDevice } from './wipe.js';
import { saveSession, savedSession } from './storage.js';
import { browserDeviceName } from './format.js';

export interface Branding { productName: string; themeColor: string; logoUrl: string | null; serverUrl: string | null }

const DEFAULT_BRANDING: Branding = { productName: 'Switchboard', themeColor: '#1f6feb', logoUrl: null, serverUrl: null };

/**
 * The one store of the page: branding, language, route and the signed-in session. Views read its signals
 * and re-render when they change; nothing else is shared between them.
 */
export class AppStore {
  readonly branding = signal<Branding>(DEFAULT_BRANDING);
  /** The administration console's module once loaded (views/AdminConsole.tsx), so reopening it does not wait. */
  adminConsole: typeof import('./views/admin/Console.js') | null = null;
  readonly lang = signal<Lang>(savedLang());
  readonly i18n = computed(() => makeI18n(this.lang.value));
  readonly route = signal<Route>(parseRoute(location.hash));
  /** Null on the sign-in screen. */
  readonly session = signal<Session | null>(null);
  /** This device was wiped (远程数据抹除 or too many wrong PINs): the page says so before offering sign-in. */
  readonly wiped = signal(false);
  private wiping: Session | null = null;

  constructor() {
    effect(() => { document.documentElement.lang = this.i18n.value.htmlLang; });
    effect(() => {
      const b = this.branding.value;
      document.documentElement.style.setProperty('--accent', b.themeColor);
      document.querySelector('meta[name="theme-color"]')?.setAttribute('content', b.themeColor);
    });
  }

  /** Branding first (index.html started that request), then the saved session if there is one. */
  async boot(): Promise<void> {
    applyTheme();
    const early = (window as { sbBranding?: Promise<Partial<Branding> | null> }).sbBranding;
    try {
      const b = early ? await early : await fetch('/api/v1/branding').then((r) => (r.ok ? r.json() as Promise<Partial<Branding>> : null));
      if (b) this.branding.value = { ...this.branding.value, ...b };
    } catch {
      // offline: the default branding
    }
    this.listen();
    const saved = savedSession();
    if (saved.token) await this.open(this.serverAddress(), saved.token, saved.uid);
    if ('serviceWorker' in navigator && isSecureContext) navigator.serviceWorker.register('/sw.js').catch(() => { /* the page works without it, only not offline */ });
  }

  /** The address the sign-in form offers: the one used last, else the configured one, else this page's origin. */
  serverAddress(): string {
    return savedSession().server ?? this.branding.value.serverUrl ?? location.origin;
  }

  /** Rejects with the server's error (the form shows it). */
  /** Signs in; rejects with the policy's step (a code, a new password, a new authenticator) for SignIn to ask for. */
  async signIn(base: string, account: string, password: string, totpCode?: string): Promise<void> {
    const r = await SwitchboardClient.login(base, account, password, { type: 'web', name: browserDeviceName(navigator.userAgent), id: deviceId(), totpCode });
    await this.signedIn(base, r.token, r.user.id);
  }

  async finishSignIn(base: string, step: { ticket: string; newPassword?: string; totpCode?: string }): Promise<void> {
    const r = await SwitchboardClient.completeSignIn(base, step);
    await this.signedIn(base, r.token, r.user.id);
  }

  private async signedIn(base: string, token: string, uid: number): Promise<void> {
    saveSession(base, token, uid);
    await this.open(base, token, uid);
  }

  /** Ends the session (at the server too when asked) and forgets it on this device before showing sign-in. */
  async signOut(callServer = true): Promise<void> {
    const s = this.session.peek();
    if (!s) return;
    await s.end(callServer);
    if (this.session.peek() !== s) return;
    this.session.value = null;
    location.hash = '';
  }

  /**
   * Obeys a wipe order: erases everything this device keeps, then acknowledges with the ended session's token.
   * A socket closed with 4010 is confirmed with central first (its refusal carries the order's id).
   */
  async wipe(s: Session, cause: WipeCause): Promise<void> {
    if (this.wiping === s) return;
    this.wiping = s;
    const api = s.client.api;
    let id = cause;
    if (id === null) {
      id = await api.call('users.me').then(() => null, (e: unknown) => wipeOrderOf(e));
      if (id === null) { this.wiping = null; void this.signOut(false); return; }
    }
    await s.end(false);
    await wipeThisDevice();
    if (id !== 'local') await acknowledgeWipe(api, id);
    this.wiping = null;
    if (this.session.peek() !== s) return;
    this.session.value = null;
    this.wiped.value = true;
    location.hash = '';
  }

  /** Too many wrong PINs: the server ends this session with an order (offline: this device wipes itself all the same). */
  async pinWipe(s: Session): Promise<void> {
    const id = await s.client.api.call('devices.pin.wipe').then((w) => w.id, (e: unknown) => wipeOrderOf(e));
    await this.wipe(s, id ?? 'local');
  }

  setLang(lang: Lang): void {
    localStorage.setItem('sb.lang', lang);
    this.lang.value = lang;
  }

  toggleTheme(): void {
    const current = document.documentElement.dataset.theme ?? (matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light');
    localStorage.setItem('sb.theme', current === 'dark' ? 'light' : 'dark');
    applyTheme();
  }

  private async open(base: string, token: string, uid: number): Promise<void> {
    const session: Session = await Session.open(base, token, uid, () => { if (this.session.peek() === session) void this.signOut(false); },
      (cause) => { if (this.session.peek() === session) void this.wipe(session, cause); });
    this.session.value = session;
    void session.run();
  }

  private listen(): void {
    window.addEventListener('hashchange', () => { this.route.value = parseRoute(location.hash); });
    window.addEventListener('online', () => this.session.peek()?.online());
    window.addEventListener('offline', () => this.session.peek()?.offline());
    document.addEventListener('visibilitychange', () => { if (document.visibilityState === 'visible') this.session.peek()?.visible(); });
  }
}

function applyTheme(): void {
  const saved = localStorage.getItem('sb.theme');
  if (saved === 'dark' || saved === 'light') document.documentElement.dataset.theme = saved;
  else delete document.documentElement.dataset.theme;
}

/** This browser's own id, kept across sign-ins so that an approved device stays approved (登录授权). */
function deviceId(): string {
  let id = localStorage.getItem('sb.device');
  if (!id) {
    id = crypto.randomUUID().replace(/-/g, '');
    localStorage.setItem('sb.device', id);
  }
  return id;
}
