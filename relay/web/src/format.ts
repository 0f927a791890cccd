import type { ConversationView, MessageView, RecalledBody, SystemBody } from '../../../shared/protocol/types.js';
import type { I18n } from './i18n.js';

/** What the texts below need to know about people: who I am and the names seen so far. */
export interface Names {
  readonly me: number;
  readonly myName: string | undefined;
  known(userId: number): string | undefined;
}

export function nameOf(n: Names, i18n: I18n, userId: number, c?: ConversationView): string {
  if (userId === n.me) return n.myName ?? i18n.t('you');
  return c?.members.find((m) => m.user_id === userId)?.name ?? n.known(userId) ?? `#${userId}`;
}

export function convTitle(n: Names, i18n: I18n, c: ConversationView): string {
  if (c.kind === 'direct') return c.members.find((m) => m.user_id !== n.me)?.name ?? nameOf(n, i18n, n.me);
  if (c.kind === 'system') return i18n.t('systemConv');
  return c.title || c.members.map((m) => m.name).slice(0, 4).join(i18n.sep);
}

export function systemText(n: Names, i18n: I18n, m: MessageView, c?: ConversationView): string {
  const b = m.body as SystemBody;
  const { t } = i18n;
  const actor = nameOf(n, i18n, b.actor_id, c);
  const who = (b.user_ids ?? []).map((u) => nameOf(n, i18n, u, c)).join(i18n.sep);
  switch (b.event) {
    case 'created': return t('sysCreated', actor);
    case 'members_added': return t('sysAdded', actor, who);
    case 'member_removed': return t('sysRemoved', actor, who);
    case 'member_left': return t('sysLeft', actor);
    case 'renamed': return t('sysRenamed', actor, b.title ?? '');
    case 'role_changed': return b.role === 'admin' ? t('sysMadeAdmin', actor, who) : b.role === 'member' ? t('sysUnmadeAdmin', actor, who) : t('sysRole', actor, who);
    case 'owner_changed': return t('sysOwner', actor, who);
    case 'notice_changed': return t('sysNotice', actor);
    case 'discussion_created': return t('sysDiscussion', actor);
    case 'converted': return t('sysConverted', actor);
    case 'dissolved': return t('sysDissolved', actor);
    case 'mute_all_changed': return t(b.mute_all ? 'sysMuteAllOn' : 'sysMuteAllOff', actor);
    default: return '';
  }
}

/** "X撤回了一条消息": who recalled it, in place of the message. */
export function recalledText(n: Names, i18n: I18n, m: MessageView, c: ConversationView | undefined): string {
  const by = (m.body as RecalledBody).recalled_by;
  return by === n.me ? i18n.t('youRecalled') : i18n.t('recalledBy', nameOf(n, i18n, by, c));
}

/** The last message as the conversation list shows it. */
export function preview(n: Names, i18n: I18n, m: MessageView | null, c: ConversationView): string {
  if (!m) return '';
  if (m.kind === 'system') return systemText(n, i18n, m, c);
  if ('broadcast' in m.body) return `[${i18n.t('broadcast')}] ${m.body.broadcast.title}`;
  if (m.kind === 'recalled') return recalledText(n, i18n, m, c);
  const text = 'text' in m.body ? m.body.text : 'file' in m.body ? `[${i18n.t('file')}] ${m.body.file.name}`
    : 'bundle' in m.body ? `[${i18n.t('chatRecord')}] ${m.body.bundle.title}` : '';
  return c.kind === 'group' && m.sender_id !== n.me ? `${nameOf(n, i18n, m.sender_id, c)}: ${text}` : text;
}

export function errorText(i18n: I18n, e: unknown): string {
  const code = (e as { code?: string }).code;
  if (code === 'SB_BAD_CREDENTIALS') return i18n.t('badCredentials');
  if (code === 'SB_CENTRAL_UNAVAILABLE') return i18n.t('cannotReach');
  const details = (e as { details?: { problem?: string; retry_after_ms?: number; policy?: PasswordRules } }).details;
  if (code === 'SB_WEAK_PASSWORD') return i18n.t('weakPassword', details?.policy ? rulesText(i18n, details.policy) : details?.problem ?? '');
  if (code === 'SB_PASSWORD_REUSED') return i18n.t('passwordReused');
  if (code === 'SB_ACCOUNT_LOCKED') return i18n.t('accountLocked', String(Math.ceil((details?.retry_after_ms ?? 0) / 1000)));
  if (code === 'SB_BAD_TOTP') return i18n.t('badTotp');
  return (e as Error).message || String(e);
}

/** The password rules a person must meet (auth.security, or the details of a refusal). */
export interface PasswordRules { min_length: number; min_classes: number; history: number }

export const rulesText = (i18n: I18n, r: PasswordRules): string => i18n.t('passwordRules', String(r.min_length), String(r.min_classes), String(r.history));

/** "99+" past 99, for badges. */
export const badgeCount = (n: number): string => (n > 99 ? '99+' : String(n));

/** Marks the first time a screen became usable (read by the web benchmark). */
export function markUsable(name: 'sb:signin' | 'sb:list'): void {
  if (!performance.getEntriesByName(name).length) performance.mark(name);
}

/**
 * A device name people recognise in 登录设备 ("Chrome · Windows"), from the browser's user agent. Edge and Opera
 * carry Chrome's token too, so they are looked for first; the raw agent is kept when nothing is known.
 */
export function browserDeviceName(ua: string): string {
  const browser = [['Edg/', 'Edge'], ['OPR/', 'Opera'], ['Firefox/', 'Firefox'], ['Chrome/', 'Chrome'], ['Safari/', 'Safari']]
    .find(([token]) => ua.includes(token!))?.[1];
  const os = [['Windows', 'Windows'], ['iPhone', 'iPhone'], ['iPad', 'iPad'], ['Android', 'Android'], ['Mac OS X', 'macOS'], ['CrOS', 'ChromeOS'], ['Linux', 'Linux']]
    .find(([token]) => ua.includes(token!))?.[1];
  if (!browser && !os) return ua.slice(0, 60) || 'web';
  return [browser, os].filter(Boolean).join(' · ');
}
