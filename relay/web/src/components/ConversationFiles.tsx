import { useEffect, useState } from 'preact/hooks';
import { useI18n, useSession } from '../context.js';
import { download } from '../download.js';
import { errorText } from '../format.js';

interface Item { seq: number; sender_id: number; created_at: number; file: { id: number; name: string; mime: string; size: number } }

const size = (n: number) => (n < 1024 ? `${n} B` : n < 1024 ** 2 ? `${Math.ceil(n / 1024)} KB` : `${(n / 1024 ** 2).toFixed(1)} MB`);

/** 文件: the files of this conversation, newest first, each a download; older ones page in (files.library). */
export function ConversationFiles({ convId }: { convId: number }) {
  const session = useSession();
  const i18n = useI18n();
  const { t } = i18n;
  const [items, setItems] = useState<Item[]>([]);
  const [more, setMore] = useState(false);
  const [error, setError] = useState('');
  const load = (before?: number) => session.client.api.call('files.library', { conv_id: convId, ...(before ? { before } : {}), limit: 20 }).then(
    (r) => { setItems((prev) => (before ? [...prev, ...r.items] : r.items)); setMore(r.more); },
    (e: unknown) => setError(errorText(i18n, e)),
  );
  useEffect(() => { void load(); }, [convId]);
  const c = session.conv(convId);
  const who = (id: number) => c?.members.find((m) => m.user_id === id)?.name ?? '';
  return (
    <section class="info-section conv-files" aria-label={t('convFiles')}>
      <h3>{t('convFiles')}</h3>
      {items.length === 0 && !error ? <p class="muted-text">{t('noFiles')}</p> : null}
      <ul class="file-list">
        {items.map((x) => (
          <li key={`${x.seq}-${x.file.id}`} class="file-row">
            <button type="button" class="link-btn file-name" onClick={() => void download(session, x.file.id, x.file.name, x.file.mime)}>📄 {x.file.name}</button>
            <span class="muted-text">{size(x.file.size)} · {who(x.sender_id)} · {i18n.fmtTime(x.created_at, true)}</span>
          </li>
        ))}
      </ul>
      {more ? <button type="button" class="more-files" onClick={() => void load(items.at(-1)?.seq)}>{t('moreFiles')}</button> : null}
      {error ? <p class="form-error" role="alert">{error}</p> : null}
    </section>
  );
}
