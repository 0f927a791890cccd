import { useEffect, useState } from 'preact/hooks';
import { newCmid } from '../../../../shared/sdk/client.js';
import type { ConversationView } from '../../../../shared/protocol/types.js';
import { useI18n, useSession } from '../context.js';
import type { Ask } from './Confirm.js';

interface Props {
  c: ConversationView;
  act(p: Promise<unknown>): Promise<void>;
  ask(a: Ask): void;
}

const roleOf = (c: ConversationView, me: number) => c.members.find((m) => m.user_id === me)?.role;

/** 全员禁言: the owner and admins of a group switch it; everyone sees whether it is on. */
export function MuteAllSwitch({ c, act }: Omit<Props, 'ask'>) {
  const session = useSession();
  const { t } = useI18n();
  /** The switch as clicked, until the server's event says the same. */
  const [pending, setPending] = useState<boolean | null>(null);
  useEffect(() => { if (pending !== null && c.mute_all === pending) setPending(null); });
  if (c.kind !== 'group' || c.discussion) return null;
  const role = roleOf(c, session.me);
  const canSwitch = (role === 'owner' || role === 'admin') && !c.dissolved;
  const change = (on: boolean) => {
    setPending(on);
    // Held until the conversation's event says the same (the effect above), which may come after the reply; a refusal lets go at once.
    void act(session.client.api.call('conv.muteAll', { conv_id: c.id, mute_all: on, cmid: newCmid() }).catch((e: unknown) => { setPending(null); throw e; }));
  };
  return (
    <label class="switch setting mute-all">
      <span class="setting-text"><span>{t('muteAll')}</span><span class="hint">{t('muteAllHint')}</span></span>
      <input type="checkbox" role="switch" checked={pending ?? c.mute_all} disabled={!canSwitch} onChange={(e) => change(e.currentTarget.checked)} />
    </label>
  );
}

/** Convert a discussion, leave, dissolve (owner): each asks first. */
export function GroupDanger({ c, act, ask }: Props) {
  const session = useSession();
  const { t } = useI18n();
  const api = session.client.api;
  const owner = roleOf(c, session.me) === 'owner';
  const convert = () => ask({ text: t('convertConfirm'), ok: t('convert'), run: () => void act(api.call('conv.convert', { conv_id: c.id, cmid: newCmid() })) });
  const leave = () => ask({
    text: t('leaveConfirm'), ok: t('leave'), danger: true,
    run: () => void api.call('conv.leave', { conv_id: c.id, cmid: newCmid() }).then(() => { location.hash = '#/chats'; }, (e: unknown) => act(Promise.reject(e))),
  });
  const dissolve = () => ask({ text: t('dissolveConfirm'), ok: t('dissolve'), danger: true, run: () => void act(api.call('conv.dissolve', { conv_id: c.id, cmid: newCmid() })) });
  return (
    <section class="info-section danger-zone">
      {c.discussion && !c.dissolved ? (
        <div class="convert-box">
          <p class="hint">{t('convertHint')}</p>
          <button type="button" class="primary convert" onClick={convert}>{t('convert')}</button>
        </div>
      ) : null}
      <button type="button" class="danger leave" onClick={leave}>{t('leave')}</button>
      {owner && !c.discussion && !c.dissolved ? <button type="button" class="danger dissolve" onClick={dissolve}>{t('dissolve')}</button> : null}
    </section>
  );
}
