import type { VNode } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { useI18n } from '../context.js';

export interface Ask {
  text: string;
  /** The confirming button's label. */
  ok: string;
  /** A destructive action: the button is red. */
  danger?: boolean;
  run(): void;
}

/**
 * An in-page confirmation (transfer, dissolve, leave): the question, Cancel and the action. Escape or the
 * backdrop cancels; the action's button has the focus.
 */
export function useConfirm(): [(a: Ask) => void, VNode | null] {
  const [asking, setAsking] = useState<Ask | null>(null);
  return [setAsking, asking ? <ConfirmDialog ask={asking} close={() => setAsking(null)} /> : null];
}

function ConfirmDialog({ ask, close }: { ask: Ask; close(): void }) {
  const { t } = useI18n();
  const ok = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    ok.current?.focus();
    const key = (e: KeyboardEvent) => { if (e.key === 'Escape') close(); };
    addEventListener('keydown', key);
    return () => removeEventListener('keydown', key);
  }, []);
  return (
    <div class="modal-backdrop" onClick={(e) => { if (e.target === e.currentTarget) close(); }}>
      <div class="modal" role="alertdialog" aria-modal="true" aria-labelledby="confirm-text">
        <p id="confirm-text">{ask.text}</p>
        <div class="actions">
          <button type="button" class="cancel" onClick={close}>{t('cancel')}</button>
          <button type="button" ref={ok} class={ask.danger ? 'primary danger-fill confirm' : 'primary confirm'} onClick={() => { close(); ask.run(); }}>{ask.ok}</button>
        </div>
      </div>
    </div>
  );
}
