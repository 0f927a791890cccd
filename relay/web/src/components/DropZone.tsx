import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { useI18n, useSession } from '../context.js';
import type { I18n } from '../i18n.js';
import type { UploadError } from '../upload.js';

/** What the person sees when a file was not sent: an administrator's rule in its own words, else "could not be uploaded". */
export function refusalText(i18n: I18n, name: string, e: UploadError): string {
  const d = (e.details ?? {}) as { reason?: string; max_bytes?: number; type?: string };
  if (e.code === 'SB_FILE_RESTRICTED' && d.reason === 'size') return i18n.t('fileTooBig', name, sizeText(d.max_bytes ?? 0));
  if (e.code === 'SB_FILE_RESTRICTED' || e.code === 'SB_FORBIDDEN') return i18n.t('fileTypeBlocked', name, d.type ?? '');
  const limit = Number(/\d+/.exec(e.message)?.[0] ?? 0);
  if (e.code === 'SB_FRAME_TOO_LARGE' && limit) return i18n.t('fileTooBig', name, sizeText(limit));
  return i18n.t('uploadFailed', name);
}

export function sizeText(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`;
  if (bytes >= 1024) return `${Math.ceil(bytes / 1024)} KB`;
  return `${bytes} B`;
}

/** The conversation as a target: files dropped on it or pasted into it (screenshots from the clipboard) are sent. */
export function DropZone({ convId, children }: { convId: number; children: ComponentChildren }) {
  const session = useSession();
  const i18n = useI18n();
  const [over, setOver] = useState(false);
  const send = (files: File[]) => {
    for (const file of files) session.sendFile(convId, file, (e) => refusalText(i18n, file.name, e));
  };
  const hasFiles = (e: DragEvent) => [...(e.dataTransfer?.types ?? [])].includes('Files');
  return (
    <div class={`drop-zone${over ? ' over' : ''}`}
      onDragOver={(e) => { if (!hasFiles(e)) return; e.preventDefault(); setOver(true); }}
      onDragLeave={(e) => { if (e.currentTarget === e.target || !(e.currentTarget as Node).contains(e.relatedTarget as Node | null)) setOver(false); }}
      onDrop={(e) => {
        setOver(false);
        const files = [...(e.dataTransfer?.files ?? [])];
        if (!files.length) return;
        e.preventDefault();
        send(files);
      }}
      onPaste={(e) => {
        const files = [...(e.clipboardData?.files ?? [])];
        if (!files.length) return; // text pastes as text
        e.preventDefault();
        // A pasted screenshot has a generic name: give it the time it was taken.
        send(files.map((f) => (f.name && f.name !== 'image.png' ? f : new File([f], `${i18n.t('image')}-${stamp()}.${f.type.split('/')[1] ?? 'png'}`, { type: f.type }))));
      }}>
      {children}
      {over ? <div class="drop-hint" aria-hidden="true">{i18n.t('dropFiles')}</div> : null}
    </div>
  );
}

function stamp(): string {
  const d = new Date();
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}
