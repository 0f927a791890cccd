import { AppError } from '../../shared/errors.js';
import type { NotifySettings } from '../../shared/protocol/types.js';
import type { Actor } from '../actor.js';
import type { Clock, EventSink, Store } from '../ports.js';
import { DEFAULT_NOTIFY_SETTINGS } from './settings.js';


/** Key order fixed, days sorted: the same settings are the same stored text (so a repeat changes nothing). */
function canonical(s: NotifySettings): NotifySettings {
  const q = s.quiet;
  return {
    quiet: { enabled: q.enabled, days: [...new Set(q.days)].sort((a, b) => a - b), start: q.start, end: q.end, tz: q.tz },
    allow_mentions: s.allow_mentions, allow_urgent: s.allow_urgent, sound: s.sound,
  };
}

/**
 * A person's notification settings (quiet hours, breakthroughs, sound; docs/favourites.md), the same on every
 * device: each change is pushed to all of the person's sessions and returned by sync. Whether a given message
 * notifies is decided on the device by decideNotify() (core/notify/decide.ts) from these settings.
 */
export class NotifyService {
  constructor(private readonly store: Store, private readonly events: EventSink, private readonly clock: Clock) {}

  async get(actor: Actor): Promise<NotifySettings> {
    const r = await this.store.notifySettings.get(actor.userId);
    return r ? JSON.parse(r.settings) as NotifySettings : DEFAULT_NOTIFY_SETTINGS;
  }

  async set(actor: Actor, p: NotifySettings): Promise<NotifySettings> {
    const settings = canonical(p);
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: settings.quiet.tz });
    } catch {
      throw new AppError('SB_VALIDATION', 'quiet.tz: not a known time zone', { field: 'quiet.tz' }); // RangeError: the name is unknown
    }
    if (settings.quiet.start === settings.quiet.end) {
      throw new AppError('SB_VALIDATION', 'quiet.end: must differ from quiet.start', { field: 'quiet.end' });
    }
    const { changed } = await this.store.notifySettings.set(actor.userId, JSON.stringify(settings), this.clock.now());
    if (changed) this.events.emit({ type: 'notify.settings', settings }, [actor.userId]);
    return settings;
  }

  /** For sync: my settings when they changed after position `since`, else null. */
  async changedSince(userId: number, since: number): Promise<NotifySettings | null> {
    const r = await this.store.notifySettings.get(userId);
    return r && r.pos > since ? JSON.parse(r.settings) as NotifySettings : null;
  }
}
