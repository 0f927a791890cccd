/**
 * Notification settings beside decideNotify(): the defaults and the quiet hours they give. Pure, and imported by
 * central (core/notify/service.ts) and the web client alike.
 */
import type { NotifySettings } from '../../shared/protocol/types.js';
import type { QuietHours } from './decide.js';

/** What a person has until they change anything: quiet hours off (weekday nights when turned on), breakthroughs allowed, sound on. */
export const DEFAULT_NOTIFY_SETTINGS: NotifySettings = {
  quiet: { enabled: false, days: [1, 2, 3, 4, 5], start: '22:00', end: '08:00', tz: 'Asia/Shanghai' },
  allow_mentions: true, allow_urgent: true, sound: true,
};

/** The settings as decideNotify() takes them. */
export function quietHoursOf(s: NotifySettings): QuietHours {
  return { ...s.quiet, days: [...s.quiet.days], allow_mentions: s.allow_mentions, allow_urgent: s.allow_urgent };
}

/** Whether a text mentions a person: "@" followed by their name (the send API carries no mention list yet). */
export function mentions(text: string, name: string | undefined): boolean {
  return !!name && text.includes(`@${name}`);
}
