import type { FavouriteView, MessageView } from '../../../../shared/protocol/types.js';
import { useI18n, useSession } from '../context.js';
import type { Session } from '../session.js';

/** My favourite made from this message, if I starred it (the SDK's state holds all of mine). */
export function favouriteOf(session: Session, m: Pick<MessageView, 'conv_id' | 'seq'>): FavouriteView | undefined {
  return Object.values(session.client.state.favourites ?? {}).find((f) => f.source?.conv_id === m.conv_id && f.source.seq === m.seq);
}

/**
 * Star or unstar a message (收藏 / 取消收藏). A plain function, so that a context menu can offer the same action;
 * the server's event updates every device, this one included.
 */
export async function starMessage(session: Session, m: Pick<MessageView, 'conv_id' | 'seq'>): Promise<void> {
  const existing = favouriteOf(session, m);
  if (existing) await session.client.api.call('fav.remove', { fav_id: existing.id });
  else await session.client.api.call('fav.add', { conv_id: m.conv_id, seq: m.seq });
}

/** The star beside a message: shown on hover or focus, and always while the message is starred. */
export function StarButton({ m }: { m: MessageView }) {
  const session = useSession();
  const { t } = useI18n();
  void session.rev.value;
  const on = favouriteOf(session, m) !== undefined;
  const label = on ? t('unstar') : t('star');
  return (
    <button type="button" class={`star${on ? ' on' : ''}`} aria-pressed={on} aria-label={label} title={label}
      onClick={() => { starMessage(session, m).catch(() => { /* offline: the star stays as it was; pressing again retries */ }); }}>
      {on ? '★' : '☆'}
    </button>
  );
}
