import type { RefObject } from 'preact';
import { useState } from 'preact/hooks';
import { useI18n } from '../context.js';

const EMOJI = ['😀', '😂', '😊', '😍', '🤔', '😅', '😭', '😡', '👍', '👎', '👏', '🙏', '💪', '🎉', '❤️', '🔥', '✅', '❌', '⭐', '☕', '🌹', '🤝', '👌', '😴'];

/** Inserts text at the caret of a textarea, then tells its own input handler (draft, height). */
export function insertAtCaret(el: HTMLTextAreaElement, text: string, from = el.selectionStart, to = el.selectionEnd): void {
  el.value = el.value.slice(0, from) + text + el.value.slice(to);
  const caret = from + text.length;
  el.setSelectionRange(caret, caret);
  el.dispatchEvent(new Event('input', { bubbles: true }));
}

/** The composer's emoji button: a small grid; a pick goes in at the caret. */
export function EmojiPicker({ input }: { input: RefObject<HTMLTextAreaElement> }) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  return (
    <div class="emoji-wrap">
      <button type="button" class="icon-btn emoji-btn" aria-label={t('emoji')} title={t('emoji')} aria-expanded={open} onClick={() => setOpen(!open)}>☺</button>
      {open ? (
        <div class="emoji-grid" role="group" aria-label={t('emoji')}>
          {EMOJI.map((e) => (
            <button key={e} type="button" class="emoji" onMouseDown={(ev) => ev.preventDefault()}
              onClick={() => { const el = input.current; if (el) { insertAtCaret(el, e); el.focus(); } setOpen(false); }}>{e}</button>
          ))}
        </div>
      ) : null}
    </div>
  );
}
