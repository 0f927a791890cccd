/**
 * Whether a new message should raise a notification on a person's device: one pure function, so that the web
 * client, the SDK and any push path decide the same way. No clock, no store: everything arrives as arguments.
 *
 * Rules, in order:
 * 1. Your own message never notifies.
 * 2. A muted conversation stays silent, except for a message that mentions you or is urgent.
 * 3. During quiet hours, a message notifies only when it mentions you and mentions may break through, or is
 *    urgent and urgent messages may break through.
 * 4. Otherwise it notifies.
 */

/** Quiet hours of one person: on the listed local weekdays (0 = Sunday … 6 = Saturday), from `start` to `end`
 *  ("HH:MM", local time in `tz`). An `end` at or before `start` runs past midnight into the next day, and the
 *  window belongs to the weekday it started on (weekdays 22:00–08:00 covers Friday night to Saturday 08:00,
 *  not Sunday night). */
export interface QuietHours {
  enabled: boolean;
  days: number[];
  start: string;
  end: string;
  tz: string;
  allow_mentions: boolean;
  allow_urgent: boolean;
}

export interface NotifyInput {
  own: boolean;
  muted: boolean;
  mention: boolean;
  urgent: boolean;
  quiet: QuietHours | null;
  now: Date;
}

export type NotifyReason = 'own' | 'muted' | 'quiet' | 'mention' | 'urgent' | 'normal';

export interface NotifyDecision { notify: boolean; reason: NotifyReason }

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** Minutes after local midnight of "HH:MM", or null when malformed. */
export function minutesOf(hhmm: string): number | null {
  const m = HHMM.exec(hhmm);
  return m ? Number(m[1]) * 60 + Number(m[2]) : null;
}

const WEEKDAYS: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

/** Local weekday and minutes after midnight of `now` in time zone `tz` (an IANA name). */
export function localTime(now: Date, tz: string): { day: number; minutes: number } {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: tz, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
    .formatToParts(now);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return { day: WEEKDAYS[get('weekday')] ?? 0, minutes: Number(get('hour')) * 60 + Number(get('minute')) };
}

/** Whether `now` falls inside the quiet hours. Malformed times or an unknown time zone mean "not quiet"
 *  (a notification too many is better than a silent urgent message). */
export function inQuietHours(q: QuietHours, now: Date): boolean {
  if (!q.enabled || q.days.length === 0) return false;
  const start = minutesOf(q.start);
  const end = minutesOf(q.end);
  if (start === null || end === null || start === end) return false;
  let local: { day: number; minutes: number };
  try {
    local = localTime(now, q.tz);
  } catch {
    return false; // an unknown time zone: treated as no quiet hours, as the comment above says
  }
  if (start < end) return q.days.includes(local.day) && local.minutes >= start && local.minutes < end;
  // Past midnight: the evening part belongs to today, the morning part to the window that began yesterday.
  if (local.minutes >= start) return q.days.includes(local.day);
  if (local.minutes < end) return q.days.includes((local.day + 6) % 7);
  return false;
}

export function decideNotify(i: NotifyInput): NotifyDecision {
  if (i.own) return { notify: false, reason: 'own' };
  const breakthrough: NotifyReason | null = i.urgent ? 'urgent' : i.mention ? 'mention' : null;
  if (i.muted && !breakthrough) return { notify: false, reason: 'muted' };
  if (i.quiet && inQuietHours(i.quiet, i.now)) {
    if (i.urgent && i.quiet.allow_urgent) return { notify: true, reason: 'urgent' };
    if (i.mention && i.quiet.allow_mentions) return { notify: true, reason: 'mention' };
    return { notify: false, reason: 'quiet' };
  }
  return { notify: true, reason: breakthrough ?? 'normal' };
}
