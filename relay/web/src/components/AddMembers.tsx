import { useState } from 'preact/hooks';
import { newCmid } from '../../../../shared/sdk/client.js';
import type { ConversationView } from '../../../../shared/protocol/types.js';
import { useI18n, useSession } from '../context.js';
import { PeoplePicker, useSelection } from './PeoplePicker.js';

/**
 * Adding people. In a group or discussion they join it (any member may); in a one-to-one chat they start a
 * new discussion (多人讨论) with the two of us, and the one-to-one chat stays as it is.
 */
export function AddMembers({ c, act }: { c: ConversationView; act(p: Promise<unknown>): Promise<void> }) {
  const session = useSession();
  const { t } = useI18n();
  const [adding, toggle, clear] = useSelection();
  /** Remounts the section (closed, search cleared) after people were added. */
  const [round, setRound] = useState(0);
  if (c.kind === 'group' && c.dissolved) return null;
  const direct = c.kind === 'direct';
  const add = () => {
    if (direct) {
      const others = c.members.filter((m) => m.user_id !== session.me).map((m) => m.user_id);
      void act(session.client.startDiscussion([...others, ...adding]).then((d) => { location.hash = `#/chat/${d.id}`; }));
      return;
    }
    void act(session.client.api.call('conv.addMembers', { conv_id: c.id, user_ids: [...adding], cmid: newCmid() }).then(() => { clear(); setRound((n) => n + 1); }));
  };
  const label = direct ? t('startDiscussion') : t('addMembers');
  return (
    <details class="info-section add-members" key={`add${round}`}>
      <summary><span class="plus" aria-hidden="true">＋</span>{direct ? t('addPeople') : t('addMembers')}</summary>
      {direct ? <p class="hint">{t('startDiscussionHint')}</p> : null}
      <PeoplePicker selected={adding} exclude={new Set(c.members.map((m) => m.user_id))} onToggle={toggle} />
      <div class="actions">
        <span class="muted-text grow-left" aria-live="polite">{t('selected', adding.size)}</span>
        <button type="button" class="primary" disabled={!adding.size} onClick={add}>{label}</button>
      </div>
    </details>
  );
}
