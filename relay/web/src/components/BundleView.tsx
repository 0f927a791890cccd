import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import type { BundleBody, BundleItem } from '../../../../shared/protocol/types.js';
import { useI18n, useSession } from '../context.js';
import { download } from '../download.js';

/** A chat record (合并转发) in a bubble: its title and the first lines; opens as the original list. */
export function BundleCard({ b }: { b: BundleBody }) {
  const { t } = useI18n();
  const { records } = useSession().actions;
  const lines = b.bundle.items.slice(0, 3);
  return (
    <button type="button" class="bundle-card" aria-label={`${t('openRecord')}: ${b.bundle.title}`} onClick={() => { records.value = [...records.value, b]; }}>
      <strong class="bundle-title">{b.bundle.title}</strong>
      {lines.map((i, n) => <span key={n} class="bundle-line">{i.sender_name}: {itemText(i, t('chatRecord'), t('file'))}</span>)}
      <span class="bundle-foot">{t('chatRecord')}</span>
    </button>
  );
}

function itemText(i: BundleItem, record: string, file: string): string {
  const b = i.body;
  if ('text' in b) return b.text;
  if ('file' in b) return `[${file}] ${b.file.name}`;
  return `[${record}] ${b.bundle.title}`;
}

/** The chat records opened, innermost on top: senders, times and contents; nested records open in turn. */
export function BundleDialog() {
  const { t, fmtTime } = useI18n();
  const session = useSession();
  const { records } = session.actions;
  const stack = records.value;
  const b = stack[stack.length - 1];
  const back = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (!b) return;
    back.current?.focus();
    const key = (e: KeyboardEvent) => { if (e.key === 'Escape') records.value = records.value.slice(0, -1); };
    document.addEventListener('keydown', key);
    return () => document.removeEventListener('keydown', key);
  }, [b]);
  if (!b) return null;
  const close = () => { records.value = stack.slice(0, -1); };
  return (
    <div class="overlay" onClick={(e) => { if (e.target === e.currentTarget) close(); }}>
      <div class="dialog bundle-dialog" role="dialog" aria-modal="true" aria-label={b.bundle.title} data-depth={stack.length}>
        <header class="dialog-head">
          <button ref={back} type="button" class="icon-btn" aria-label={t('back')} onClick={close}>‹</button>
          <h3>{b.bundle.title}</h3>
        </header>
        <ol class="bundle-items">
          {b.bundle.items.map((i, n) => {
            let content: ComponentChildren;
            if ('bundle' in i.body) content = <BundleCard b={i.body} />;
            else if ('file' in i.body) {
              const f = i.body.file;
              content = <button type="button" class="file" onClick={() => void download(session, f.id, f.name, f.mime)}>{`📄 ${f.name} (${Math.ceil(f.size / 1024)} KB)`}</button>;
            }
            else content = i.body.text;
            return (
              <li key={n} class="bundle-item">
                <div class="bundle-item-head"><strong>{i.sender_name}</strong><time dateTime={new Date(i.at).toISOString()}>{fmtTime(i.at, true)}</time></div>
                <div class="bundle-item-body">{content}</div>
              </li>
            );
          })}
        </ol>
      </div>
    </div>
  );
}
