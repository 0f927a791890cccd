import t from 'tap';
import { decideNotify, inQuietHours, localTime, minutesOf, type QuietHours } from '../../core/notify/decide.js';

const weekdayNights: QuietHours = {
  enabled: true, days: [1, 2, 3, 4, 5], start: '22:00', end: '08:00', tz: 'Asia/Shanghai', allow_mentions: true, allow_urgent: true,
};
// 2026-12-02 is a Wednesday. Shanghai is UTC+8 all year.
const at = (iso: string) => new Date(iso);
const base = { own: false, muted: false, mention: false, urgent: false, quiet: weekdayNights };

t.test('local time in the person\'s zone', async (t) => {
  t.same(localTime(at('2026-12-02T15:30:00Z'), 'Asia/Shanghai'), { day: 3, minutes: 23 * 60 + 30 }, 'Wed 23:30 in Shanghai');
  t.same(localTime(at('2026-12-02T15:30:00Z'), 'UTC'), { day: 3, minutes: 15 * 60 + 30 });
  t.same(localTime(at('2026-12-02T00:00:00Z'), 'UTC'), { day: 3, minutes: 0 }, 'midnight is 0, not 24');
  t.equal(minutesOf('08:05'), 485);
  t.equal(minutesOf('24:00'), null);
  t.equal(minutesOf('8:00'), null);
});

t.test('quiet hours past midnight belong to the day they start on', async (t) => {
  t.ok(inQuietHours(weekdayNights, at('2026-12-02T15:30:00Z')), 'Wed 23:30');
  t.ok(inQuietHours(weekdayNights, at('2026-12-02T22:00:00Z')), 'Thu 06:00, the window begun Wed');
  t.notOk(inQuietHours(weekdayNights, at('2026-12-03T00:00:00Z')), 'Thu 08:00: the end is exclusive');
  t.notOk(inQuietHours(weekdayNights, at('2026-12-02T06:00:00Z')), 'Wed 14:00');
  t.ok(inQuietHours(weekdayNights, at('2026-12-04T22:00:00Z')), 'Sat 06:00, the window begun Fri');
  t.notOk(inQuietHours(weekdayNights, at('2026-12-05T15:00:00Z')), 'Sat 23:00: not a listed day');
  t.notOk(inQuietHours(weekdayNights, at('2026-12-06T22:00:00Z')), 'Mon 06:00: Sunday night was not listed');
  t.notOk(inQuietHours(weekdayNights, at('2026-12-06T14:00:00Z')), 'Sun 22:00: not a listed day');
  t.ok(inQuietHours(weekdayNights, at('2026-12-07T14:00:00Z')), 'Mon 22:00');
});

t.test('a same-day window, zones, and settings that mean no quiet hours', async (t) => {
  const lunch: QuietHours = { ...weekdayNights, start: '12:00', end: '13:30', tz: 'Europe/Berlin', days: [3] };
  t.ok(inQuietHours(lunch, at('2026-12-02T11:15:00Z')), 'Wed 12:15 in Berlin (UTC+1 in December)');
  t.notOk(inQuietHours(lunch, at('2026-12-02T12:30:00Z')), 'Wed 13:30 in Berlin: end exclusive');
  t.notOk(inQuietHours({ ...lunch, enabled: false }, at('2026-12-02T11:15:00Z')), 'disabled');
  t.notOk(inQuietHours({ ...lunch, days: [] }, at('2026-12-02T11:15:00Z')), 'no days');
  t.notOk(inQuietHours({ ...lunch, start: '12:00', end: '12:00' }, at('2026-12-02T11:00:00Z')), 'empty window');
  t.notOk(inQuietHours({ ...lunch, start: 'noon' }, at('2026-12-02T11:15:00Z')), 'malformed time');
  t.notOk(inQuietHours({ ...lunch, tz: 'Mars/Olympus' }, at('2026-12-02T11:15:00Z')), 'unknown zone');
});

t.test('the decision', async (t) => {
  const quiet = at('2026-12-02T15:30:00Z');
  const day = at('2026-12-02T06:00:00Z');
  t.same(decideNotify({ ...base, now: day }), { notify: true, reason: 'normal' });
  t.same(decideNotify({ ...base, own: true, urgent: true, now: day }), { notify: false, reason: 'own' }, 'own messages never');
  t.same(decideNotify({ ...base, muted: true, now: day }), { notify: false, reason: 'muted' });
  t.same(decideNotify({ ...base, muted: true, mention: true, now: day }), { notify: true, reason: 'mention' }, 'a mention breaks a mute');
  t.same(decideNotify({ ...base, muted: true, urgent: true, now: day }), { notify: true, reason: 'urgent' }, 'urgent breaks a mute');
  t.same(decideNotify({ ...base, now: quiet }), { notify: false, reason: 'quiet' });
  t.same(decideNotify({ ...base, mention: true, now: quiet }), { notify: true, reason: 'mention' }, 'a mention breaks quiet hours');
  t.same(decideNotify({ ...base, urgent: true, now: quiet }), { notify: true, reason: 'urgent' });
  const strict = { ...weekdayNights, allow_mentions: false, allow_urgent: false };
  t.same(decideNotify({ ...base, quiet: strict, mention: true, now: quiet }), { notify: false, reason: 'quiet' }, 'mentions held when not allowed');
  t.same(decideNotify({ ...base, quiet: strict, urgent: true, now: quiet }), { notify: false, reason: 'quiet' }, 'urgent held when not allowed');
  t.same(decideNotify({ ...base, quiet: { ...strict, allow_urgent: true }, urgent: true, mention: true, now: quiet }), { notify: true, reason: 'urgent' });
  t.same(decideNotify({ ...base, muted: true, mention: true, quiet: strict, now: quiet }), { notify: false, reason: 'quiet' }, 'mute and quiet: both must let it through');
  t.same(decideNotify({ ...base, quiet: null, now: quiet }), { notify: true, reason: 'normal' }, 'no quiet hours set');
});
