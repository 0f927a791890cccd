import type { ConversationView } from '../../../../shared/protocol/types.js';
import type { TextKey } from '../i18n.js';
import { useI18n, useSession } from '../context.js';
import { Composer } from './Composer.js';

/** Why I cannot send here, if I cannot: the group was dissolved, or everyone but the owner and admins is muted. */
export function sendBlock(c: ConversationView | undefined, me: number): TextKey | null {
  if (!c || c.kind !== 'group') return null;
  if (c.dissolved) return 'dissolvedHint';
  const role = c.members.find((m) => m.user_id === me)?.role;
  return c.mute_all && role === 'member' ? 'mutedForMe' : null;
}

/** The composer, or the line saying why there is none (central refuses such a message anyway). */
export function ComposerGate({ convId, onSent }: { convId: number; onSent(): void }) {
  const session = useSession();
  const { t } = useI18n();
  void session.rev.value;
  const block = sendBlock(session.conv(convId), session.me);
  if (block) return <div class="composer composer-locked" role="status"><span class="lock-mark" aria-hidden="true">⊘</span>{t(block)}</div>;
  return <Composer convId={convId} onSent={onSent} />;
}
