import { useLayoutEffect } from 'preact/hooks';
import { useI18n, useSession } from '../context.js';

/** The connection banner: reconnecting, connecting, or central unreachable, with what is waiting to be sent. */
export function Banner() {
  const session = useSession();
  const { t } = useI18n();
  void session.link.value;
  void session.rev.value;
  const { connection: s, central, pendingCount: queued } = session.client;
  let text = '';
  if (s === 'reconnecting') text = t('reconnecting');
  else if (s === 'connecting' || s === 'idle') text = t('connecting');
  else if (central === 'down') text = t('centralDown');
  if (text && queued) text += ` · ${t('pending', queued)}`;
  // The page's connection state, for tests and styles.
  useLayoutEffect(() => { document.body.dataset.connection = s; }, [s]);
  return <div class="banner" role="status" aria-live="polite" data-state={s} hidden={!text}>{text}</div>;
}
