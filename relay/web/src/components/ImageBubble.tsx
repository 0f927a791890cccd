import { useEffect, useState } from 'preact/hooks';
import type { FileView } from '../../../../shared/protocol/types.js';
import { useI18n, useSession } from '../context.js';
import { ImageViewer } from './ImageViewer.js';

/** Largest box an inline image takes, in CSS pixels. */
const BOX_W = 240;
const BOX_H = 240;

/** The size an image of this shape is shown at: the box reserved before the thumbnail arrives, so the list does not jump. */
export function inlineSize(width: number, height: number): { w: number; h: number } {
  const scale = Math.min(1, BOX_W / width, BOX_H / height);
  return { w: Math.max(24, Math.round(width * scale)), h: Math.max(24, Math.round(height * scale)) };
}

/** An image message: its thumbnail at the image's aspect ratio; a click opens the full image. */
export function ImageBubble({ file }: { file: Omit<FileView, 'created_at'> & { width: number; height: number } }) {
  const session = useSession();
  const { t } = useI18n();
  const [url, setUrl] = useState<string | null>(null);
  const [open, setOpen] = useState(false);
  useEffect(() => {
    let made: string | null = null;
    let live = true;
    session.client.api.thumbnail(file.id).then((bytes) => {
      if (!live) return;
      made = URL.createObjectURL(new Blob([bytes as BlobPart], { type: 'image/jpeg' }));
      setUrl(made);
    }, () => { /* no thumbnail now: the reserved box stays, the click still opens the image */ });
    return () => { live = false; if (made) URL.revokeObjectURL(made); };
  }, [file.id]);
  const { w, h } = inlineSize(file.width, file.height);
  return (
    <>
      <button type="button" class="image-msg" aria-label={`${t('openImage')}: ${file.name}`} title={file.name} style={{ width: `${w}px`, height: `${h}px` }}
        onClick={() => setOpen(true)}>
        {url ? <img src={url} alt={file.name} width={w} height={h} /> : null}
      </button>
      {open ? <ImageViewer file={file} preview={url} onClose={() => setOpen(false)} /> : null}
    </>
  );
}
