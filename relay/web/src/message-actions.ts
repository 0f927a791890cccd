import { signal } from '@preact/signals';
import type { BundleBody, ConversationView, MemberRole, MessageView } from '../../../shared/protocol/types.js';
import type { I18n } from './i18n.js';

/**
 * What the message actions of the open conversation have in hand (docs/web-client.md): the context menu, the
 * reply being written, the multi-select, the forward and edit dialogs and the chat records opened. The session
 * holds one (`session.actions`).
 */
export class MessageActions {
  readonly menu = signal<{ m: MessageView; x: number; y: number } | null>(null);
  readonly replyTo = signal<Readonly<Record<number, MessageView>>>({});
  readonly selecting = signal<{ convId: number; seqs: readonly number[] } | null>(null);
  readonly forwarding = signal<{ convId: number; seqs: readonly number[]; mode: 'each' | 'bundle' } | null>(null);
  readonly editing = signal<MessageView | null>(null);
  /** Chat records opened, innermost last (a record inside a record opens on top). */
  readonly records = signal<readonly BundleBody[]>([]);
  /** A short note after an action (forwarded, refused). */
  readonly toast = signal('');
  private toastTimer: ReturnType<typeof setTimeout> | undefined;

  showToast(text: string): void {
    this.toast.value = text;
    clearTimeout(this.toastTimer);
    this.toastTimer = setTimeout(() => { this.toast.value = ''; }, 3000);
  }

  toggleSelected(seq: number): void {
    const s = this.selecting.value;
    if (!s) return;
    this.selecting.value = { ...s, seqs: s.seqs.includes(seq) ? s.seqs.filter((x) => x !== seq) : [...s.seqs, seq] };
  }
}

export type Action = 'copy' | 'reply' | 'forward' | 'multiSelect' | 'recall' | 'edit';

const rank = (r: MemberRole | undefined): number => (r === 'owner' ? 0 : r === 'admin' ? 1 : 2);

/**
 * The actions offered on a message. The server decides (windows, roles); this only leaves out what cannot
 * apply, so a refusal after a window closed is shown as a note.
 */
export function allowedActions(me: number, c: ConversationView, m: MessageView): Action[] {
  if (m.kind === 'system' || m.kind === 'recalled') return [];
  const out: Action[] = [];
  if (m.kind === 'text') out.push('copy');
  out.push('reply', 'forward', 'multiSelect');
  const mine = m.sender_id === me;
  const myRole = c.members.find((x) => x.user_id === me)?.role;
  const senderRole = c.members.find((x) => x.user_id === m.sender_id)?.role;
  if (mine || (c.kind === 'group' && myRole !== 'member' && rank(myRole) < rank(senderRole))) out.push('recall');
  if (mine && m.kind === 'text') out.push('edit');
  return out;
}

/** A refused action as a note: a closed window in words, anything else with its message. */
export function failure(i18n: I18n, e: unknown): string {
  const code = (e as { code?: string }).code;
  return code === 'SB_WINDOW_CLOSED' ? i18n.t('windowClosed') : i18n.t('actionFailed', (e as Error).message || String(e));
}
