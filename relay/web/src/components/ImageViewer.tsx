import { useEffect, useRef, useState } from 'preact/hooks';
import type { FileView } from '../../../../shared/protocol/types.js';
import { useI18n, useSession } from '../context.js';

/** The full image over the page: the thumbnail first, the original once loaded. Esc, the close button or a click beside it closes. */
export function ImageViewer({ file, preview, onClose }: { file: Omit<FileView, 'created_at'>; preview: string | null; onClose(): void }) {
  const session = useSession();
  const { t } = useI18n();
  const [full, setFull] = useState<string | null>(null);
  const closeBtn = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    let made: string | null = null;
    let live = true;
    session.client.api.download(file.id).then((bytes) => {
      if (!live) return;
      made = URL.createObjectURL(new Blob([bytes as BlobPart], { type: file.mime }));
      setFull(made);
    }, () => { /* the thumbnail stays shown */ });
    const back = document.activeElement as HTMLElement | null;
    closeBtn.current?.focus();
    const onKey = (e: KeyboardEvent) => { if (e.key === 'Escape') { e.preventDefault(); onClose(); } };
    document.addEventListener('keydown', onKey);
    return () => { live = false; document.removeEventListener('keydown', onKey); if (made) URL.revokeObjectURL(made); back?.focus(); };
  }, [file.id]);
  const src = full ?? preview;
  return (
    <div class="image-viewer" role="dialog" aria-modal="true" aria-label={file.name} onClick={(e) => { if (e.target === e.currentTarget) onClose(); }}>
      <button ref={closeBtn} type="button" class="icon-btn viewer-close" aria-label={t('close')} onClick={onClose}>×</button>
      {src ? <img class={full ? 'full' : 'preview'} src={src} alt={file.name} /> : null}
      <div class="viewer-name">{file.name}</div>
    </div>
  );
}
