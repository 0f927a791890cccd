import { useEffect, useRef } from 'preact/hooks';
import type { MessageView, TextBody } from '../../../../shared/protocol/types.js';
import { useI18n, useSession } from '../context.js';
import type { Session } from '../session.js';
import { allowedActions, failure, type Action, type MessageActions } from '../message-actions.js';
import { BundleDialog } from './BundleView.js';
import { ForwardDialog } from './ForwardDialog.js';
import type { I18n } from '../i18n.js';

const LONG_PRESS_MS = 500;

/** Right-click, or a long press on a touch screen, opens the message's menu; in multi-select a click toggles it. */
export function messageGestures(a: MessageActions, m: MessageView) {
  const { menu, selecting } = a;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let pressed = false;
  const open = (x: number, y: number) => { menu.value = { m, x, y }; };
  return {
    onContextMenu: (e: MouseEvent) => { if (selecting.value) return; e.preventDefault(); open(e.clientX, e.clientY); },
    onTouchStart: (e: TouchEvent) => {
      const p = e.touches[0];
      pressed = false;
      if (!p || selecting.value) return;
      timer = setTimeout(() => { pressed = true; open(p.clientX, p.clientY); }, LONG_PRESS_MS);
    },
    // Lifting the finger after a long press is not a tap too: no mouse events follow, which would close the menu.
    onTouchEnd: (e: TouchEvent) => { clearTimeout(timer); if (pressed) { pressed = false; e.preventDefault(); } },
    onTouchMove: () => clearTimeout(timer),
    onClick: () => { if (selecting.value) a.toggleSelected(m.seq); },
  };
}

/** The menus and dialogs of message actions for the open conversation. */
export function MessageActionsLayer({ convId }: { convId: number }) {
  const { forwarding, toast } = useSession().actions;
  return (
    <>
      <MessageMenu convId={convId} />
      <EditDialog />
      {forwarding.value ? <ForwardDialog /> : null}
      <BundleDialog />
      {toast.value ? <div class="toast" role="status">{toast.value}</div> : null}
    </>
  );
}

function MessageMenu({ convId }: { convId: number }) {
  const session = useSession();
  const i18n = useI18n();
  const ref = useRef<HTMLDivElement>(null);
  const { menu } = session.actions;
  const state = menu.value;
  useEffect(() => {
    if (!state) return;
    ref.current?.querySelector('button')?.focus();
    const close = (e: Event) => { if (!ref.current?.contains(e.target as Node)) menu.value = null; };
    const key = (e: KeyboardEvent) => { if (e.key === 'Escape') menu.value = null; };
    document.addEventListener('mousedown', close);
    document.addEventListener('keydown', key);
    return () => { document.removeEventListener('mousedown', close); document.removeEventListener('keydown', key); };
  }, [state]);
  const c = session.conv(convId);
  if (!state || !c || state.m.conv_id !== convId) return null;
  const actions = allowedActions(session.me, c, state.m);
  if (!actions.length) return null;
  // Kept inside the window.
  const left = Math.min(state.x, window.innerWidth - 140);
  const top = Math.min(state.y, window.innerHeight - actions.length * 36 - 12);
  return (
    <div ref={ref} class="msg-menu" role="menu" aria-label={i18n.t('messageActions')} style={{ left: `${left}px`, top: `${top}px` }}>
      {actions.map((a) => (
        <button key={a} type="button" role="menuitem" data-action={a} onClick={() => { menu.value = null; void run(session, i18n, a, state.m); }}>{i18n.t(a)}</button>
      ))}
    </div>
  );
}

async function run(session: Session, i18n: I18n, a: Action, m: MessageView): Promise<void> {
  const { replyTo, forwarding, selecting, editing } = session.actions;
  switch (a) {
    case 'copy': await copyText((m.body as TextBody).text); return;
    case 'reply': replyTo.value = { ...replyTo.value, [m.conv_id]: m }; (document.querySelector('.composer-input') as HTMLElement | null)?.focus(); return;
    case 'forward': forwarding.value = { convId: m.conv_id, seqs: [m.seq], mode: 'each' }; return;
    case 'multiSelect': selecting.value = { convId: m.conv_id, seqs: [m.seq] }; return;
    case 'edit': editing.value = m; return;
    case 'recall':
      try {
        await session.client.api.call('msg.recall', { conv_id: m.conv_id, seq: m.seq });
      } catch (e) {
        session.actions.showToast(failure(i18n, e));
      }
  }
}

async function copyText(text: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    // No clipboard permission (an insecure origin): the old way.
    const ta = document.createElement('textarea');
    ta.value = text;
    document.body.append(ta);
    ta.select();
    document.execCommand('copy');
    ta.remove();
  }
}

function EditDialog() {
  const session = useSession();
  const i18n = useI18n();
  const input = useRef<HTMLTextAreaElement>(null);
  const { editing } = session.actions;
  const m = editing.value;
  useEffect(() => { input.current?.focus(); }, [m]);
  if (!m) return null;
  const save = async () => {
    const text = input.current!.value;
    if (!text.trim()) return;
    try {
      await session.client.api.call('msg.edit', { conv_id: m.conv_id, seq: m.seq, text });
      editing.value = null;
    } catch (e) {
      session.actions.showToast(failure(i18n, e));
    }
  };
  return (
    <div class="overlay" onClick={(e) => { if (e.target === e.currentTarget) editing.value = null; }}>
      <form class="dialog edit-dialog" role="dialog" aria-modal="true" aria-label={i18n.t('editMessage')} onSubmit={(e) => { e.preventDefault(); void save(); }}>
        <h3>{i18n.t('editMessage')}</h3>
        <textarea ref={input} class="edit-input" rows={4} defaultValue={(m.body as TextBody).text}
          onKeyDown={(e) => { if (e.key === 'Escape') editing.value = null; }} />
        <div class="dialog-actions">
          <button type="button" onClick={() => { editing.value = null; }}>{i18n.t('cancel')}</button>
          <button type="submit" class="primary">{i18n.t('save')}</button>
        </div>
      </form>
    </div>
  );
}
