import { decideNotify } from '../../../core/notify/decide.js';
import { DEFAULT_NOTIFY_SETTINGS, mentions, quietHoursOf } from '../../../core/notify/settings.js';
import { useEffect } from 'preact/hooks';
import type { MessageView, NotifySettings } from '../../../shared/protocol/types.js';
import { convTitle, nameOf, preview } from './format.js';
import { mentionsMe } from '../../../shared/sdk/state.js';
import type { I18n } from './i18n.js';
import { openConversation } from './route.js';
import type { Session } from './session.js';
import type { AppStore } from './store.js';

/** Desktop notifications are possible here at all (the API exists; permission is another matter). */
export const canNotify = (): boolean => typeof Notification !== 'undefined';

/**
 * Decides, for each new message pushed to this page, whether to raise a desktop notification, and raises it:
 * only for a conversation not on screen (another one is open, or the tab is hidden), and only when
 * decideNotify() (core/notify/decide.ts) says so from my settings, which every device shares.
 */
export class Notifier {
  private last = '';

  constructor(private readonly session: Session, private readonly shown: () => number, private readonly i18n: () => I18n) {}

  settings(): NotifySettings {
    return this.session.client.state.notify ?? DEFAULT_NOTIFY_SETTINGS;
  }

  onMessage(m: MessageView): void {
    const key = `${m.conv_id}:${m.seq}`;
    if (key === this.last || m.kind === 'system') return;
    this.last = key;
    const s = this.session;
    const c = s.conv(m.conv_id);
    if (!c) return;
    const onScreen = document.visibilityState === 'visible' && this.shown() === m.conv_id;
    if (onScreen) return;
    const settings = this.settings();
    const text = 'text' in m.body ? m.body.text : '';
    const decision = decideNotify({
      own: m.sender_id === s.me, muted: c.muted, mention: mentionsMe(m, s.me) || mentions(text, s.myName), urgent: 'text' in m.body && m.body.urgent === true,
      quiet: quietHoursOf(settings), now: new Date(),
    });
    if (!decision.notify || !canNotify() || Notification.permission !== 'granted') return;
    const i18n = this.i18n();
    const title = convTitle(s, i18n, c);
    const body = c.kind === 'group' ? preview(s, i18n, m, c) : `${nameOf(s, i18n, m.sender_id, c)}: ${preview(s, i18n, m, c)}`;
    const n = new Notification(title, { body, tag: `conv-${c.id}`, silent: !settings.sound, data: { conv_id: c.id, reason: decision.reason } });
    n.onclick = () => { window.focus(); location.hash = `#/chat/${c.id}`; n.close(); };
    if (settings.sound) chime();
  }
}

/** While the shell is shown: each pushed message goes past the notifier. */
export function useNotifier(store: AppStore, session: Session): void {
  useEffect(() => {
    const n = new Notifier(session, () => openConversation(store.route.peek()), () => store.i18n.peek());
    return session.client.on('event', (e) => { if (e.type === 'message.new') n.onMessage(e.message); });
  }, [session]);
}

/** A short two-tone chime made on the spot (no sound file to ship); silent where audio may not start yet. */
function chime(): void {
  const Ctx = (window as { AudioContext?: typeof AudioContext }).AudioContext;
  if (!Ctx) return;
  try {
    const ctx = new Ctx();
    const gain = ctx.createGain();
    gain.gain.setValueAtTime(0.08, ctx.currentTime);
    gain.gain.exponentialRampToValueAtTime(0.0001, ctx.currentTime + 0.45);
    gain.connect(ctx.destination);
    [880, 660].forEach((hz, i) => {
      const o = ctx.createOscillator();
      o.frequency.value = hz;
      o.connect(gain);
      o.start(ctx.currentTime + i * 0.15);
      o.stop(ctx.currentTime + 0.15 + i * 0.15);
    });
    setTimeout(() => void ctx.close(), 800);
  } catch {
    // no audio device or autoplay refused: the notification itself still shows
  }
}
