import { useEffect, useState } from 'preact/hooks';
import type { FavouritePage, FavouriteView } from '../../../../shared/protocol/types.js';
import { newCmid } from '../../../../shared/sdk/client.js';
import { useI18n, useSession } from '../context.js';
import { convTitle, errorText } from '../format.js';
import { download } from '../download.js';

const PAGE = 30;

/**
 * 收藏: my favourites, newest first. Without a search they come from the SDK's state (sync and pushes keep it
 * complete and current on every device); a search asks the server (fav.list with q), page by page.
 */
export function Favourites() {
  const session = useSession();
  const i18n = useI18n();
  const { t } = i18n;
  void session.rev.value;
  const [q, setQ] = useState('');
  const [shown, setShown] = useState(PAGE);
  /** The server's matches for `q`: their ids in order, and whether there are more. */
  const [found, setFound] = useState<{ q: string; ids: number[]; more: boolean } | null>(null);
  const [error, setError] = useState('');
  const mine = session.client.state.favourites ?? {};
  const query = q.trim();
  const search = (before?: number) => session.client.api.call('fav.list', { q: query, before, limit: PAGE }).then((page: FavouritePage) => {
    setError('');
    setFound((prev) => ({ q: query, ids: [...(before && prev ? prev.ids : []), ...page.favourites.map((f) => f.id)], more: page.more }));
  }, (e: unknown) => setError(errorText(i18n, e)));
  useEffect(() => {
    if (!query) { setFound(null); return; }
    const timer = setTimeout(() => void search(), 200);
    return () => clearTimeout(timer);
  }, [query]);
  const all = Object.values(mine).sort((a, b) => b.id - a.id);
  // A match unstarred meanwhile (here or on another device) leaves the list at once.
  const list = query ? (found?.q === query ? found.ids.map((id) => mine[id]).filter((f): f is FavouriteView => !!f) : []) : all.slice(0, shown);
  const more = query ? found?.q === query && found.more : all.length > shown;
  const loadMore = () => { if (query) void search(found?.ids[found.ids.length - 1]); else setShown((n) => n + PAGE); };
  return (
    <section class="panel favourites" aria-label={t('favourites')}>
      <header class="chat-head"><a class="icon-btn back" href="#/chats" aria-label={t('back')}>‹</a><h2>{t('favourites')}</h2></header>
      <div class="side-tools">
        <input class="fav-search search" type="search" placeholder={t('searchFavourites')} aria-label={t('searchFavourites')} value={q}
          onInput={(e) => { setQ(e.currentTarget.value); }} />
      </div>
      <ul class="fav-list" aria-label={t('favourites')}>
        {list.map((f) => <FavouriteItem key={f.id} f={f} />)}
        {list.length ? null : <li class="empty-note">{query ? t('noFavouriteMatches') : t('noFavourites')}</li>}
      </ul>
      {more ? <button type="button" class="fav-more" onClick={loadMore}>{t('loadMore')}</button> : null}
      <p class="form-error" role="alert">{error}</p>
    </section>
  );
}

/** One favourite: where it came from, its content, and 打开 / 转发 / 取消收藏. */
function FavouriteItem({ f }: { f: FavouriteView }) {
  const session = useSession();
  const i18n = useI18n();
  const { t } = i18n;
  const [forwarding, setForwarding] = useState(false);
  const [status, setStatus] = useState('');
  const src = f.source;
  const stillMember = src ? session.conv(src.conv_id) !== undefined : false;
  const from = src ? [src.sender_name, src.conv_title].filter(Boolean).join(' · ') : t('file');
  const when = i18n.fmtTime(src?.at ?? f.created_at, true);
  const unstar = () => session.client.api.call('fav.remove', { fav_id: f.id }).catch((e: unknown) => setStatus(errorText(i18n, e)));
  return (
    <li class="fav" data-fav={f.id}>
      <div class="fav-head"><span class="fav-from">{from}</span><time>{when}</time></div>
      {'text' in f.body
        ? <div class="fav-text">{f.body.text}</div>
        : <FileButton file={f.body.file} />}
      <div class="fav-actions">
        {src && stillMember ? <a class="button small-link" href={`#/chat/${src.conv_id}`}>{t('openChat')}</a> : null}
        <button type="button" class="fav-forward" aria-expanded={forwarding} onClick={() => setForwarding(!forwarding)}>{t('forward')}</button>
        <button type="button" class="fav-unstar" onClick={() => void unstar()}>{t('unstar')}</button>
        <span class="muted-text" role="status">{status}</span>
      </div>
      {forwarding ? <ForwardPicker f={f} done={(text) => { setForwarding(false); setStatus(text); }} /> : null}
    </li>
  );
}

function FileButton({ file }: { file: { id: number; name: string; mime: string; size: number } }) {
  const session = useSession();
  return (
    <button type="button" class="file" onClick={() => void download(session, file.id, file.name, file.mime)}>
      {`📄 ${file.name} (${Math.ceil(file.size / 1024)} KB)`}
    </button>
  );
}

/** 转发: pick a conversation and send the favourite's content there with msg.send. */
function ForwardPicker({ f, done }: { f: FavouriteView; done: (status: string) => void }) {
  const session = useSession();
  const i18n = useI18n();
  const { t } = i18n;
  const convs = session.conversations.value.filter((c) => !c.dissolved);
  const [to, setTo] = useState(convs[0]?.id ?? 0);
  const send = () => {
    const body = 'text' in f.body ? { text: f.body.text } : { file_id: f.body.file.id };
    session.client.api.call('msg.send', { conv_id: to, cmid: newCmid(), body }).then(() => done(t('forwarded')), (e: unknown) => done(errorText(i18n, e)));
  };
  return (
    <div class="fav-picker row">
      <label class="grow">{t('forwardTo')}
        <select class="fav-to" value={to} onChange={(e) => setTo(Number(e.currentTarget.value))}>
          {convs.map((c) => <option key={c.id} value={c.id}>{convTitle(session, i18n, c)}</option>)}
        </select>
      </label>
      <button type="button" class="primary fav-send" disabled={!to} onClick={send}>{t('send')}</button>
      <button type="button" onClick={() => done('')}>{t('cancel')}</button>
    </div>
  );
}
