import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import { useI18n, useSession } from '../context.js';
import { EmojiPicker } from './EmojiPicker.js';
import { MentionPicker, takeRefs, type Picked } from './MentionPicker.js';
import { ReplyPreview } from './ReplyPreview.js';
import { refusalText } from './DropZone.js';

/**
 * The message box: Enter sends, Shift+Enter is a new line, nothing is sent while an input method is composing.
 * The draft is kept per conversation; "+" sends files.
 */
export function Composer({ convId, onSent }: { convId: number; onSent(): void }) {
  const session = useSession();
  const i18n = useI18n();
  const { t } = i18n;
  const input = useRef<HTMLTextAreaElement>(null);
  const picker = useRef<HTMLInputElement>(null);
  const picked = useRef<Picked>(new Map());
  // 紧急: for the next message only, then off again.
  const [urgent, setUrgent] = useState(false);
  const grow = () => {
    const el = input.current;
    if (!el) return;
    el.style.height = 'auto';
    el.style.height = `${Math.min(el.scrollHeight, 160)}px`;
  };
  useLayoutEffect(() => {
    const el = input.current!;
    el.value = session.draft(convId);
    grow();
    // On a phone the keyboard would cover the conversation just opened.
    if (matchMedia('(min-width: 720px)').matches) el.focus();
    return () => session.saveDraft(convId, el.value);
  }, [convId]);
  const send = () => {
    const el = input.current!;
    const text = el.value.replace(/\s+$/, '');
    if (!text.trim()) return;
    const { replyTo } = session.actions;
    const { [convId]: answering, ...others } = replyTo.value;
    session.send(convId, text, { ...takeRefs(picked.current, text), replyTo: answering?.seq, urgent });
    setUrgent(false);
    if (answering) replyTo.value = others;
    el.value = '';
    session.saveDraft(convId, '');
    grow();
    onSent();
  };
  const sendFiles = (el: HTMLInputElement) => {
    for (const file of [...(el.files ?? [])]) session.sendFile(convId, file, (e) => refusalText(i18n, file.name, e));
    el.value = '';
    onSent();
  };
  return (
    <>
      <ReplyPreview convId={convId} />
      <form class={`composer${urgent ? ' urgent' : ''}`} onSubmit={(e) => { e.preventDefault(); send(); }}>
        <button type="button" class="icon-btn attach" aria-label={t('attach')} title={t('attach')} onClick={() => picker.current?.click()}>+</button>
        <input ref={picker} type="file" multiple hidden aria-label={t('attach')} tabIndex={-1} onChange={(e) => sendFiles(e.currentTarget)} />
        <EmojiPicker input={input} />
        <button type="button" class={`icon-btn urgent-toggle${urgent ? ' on' : ''}`} aria-pressed={urgent} aria-label={t('markUrgent')} title={t('markUrgentHint')}
          onClick={() => { setUrgent(!urgent); input.current?.focus(); }}>!</button>
        <MentionPicker convId={convId} input={input} picked={picked.current} />
        <textarea ref={input} class="composer-input" rows={1} placeholder={t('messagePlaceholder')} aria-label={t('messagePlaceholder')}
          onInput={(e) => { session.saveDraft(convId, e.currentTarget.value); grow(); if (e.currentTarget.value.trim()) session.client.typing(convId); }}
          onKeyDown={(e) => { if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && e.keyCode !== 229) { e.preventDefault(); send(); } }} />
        <button type="submit" class="primary send" aria-label={t('send')}>{t('send')}</button>
      </form>
    </>
  );
}
