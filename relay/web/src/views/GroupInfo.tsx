import { useEffect, useState } from 'preact/hooks';
import { newCmid } from '../../../../shared/sdk/client.js';
import { useI18n, useSession } from '../context.js';
import { convTitle, errorText } from '../format.js';
import { AddMembers } from '../components/AddMembers.js';
import { Avatar } from '../components/Avatar.js';
import { useConfirm } from '../components/Confirm.js';
import { GroupDanger, MuteAllSwitch } from '../components/GroupDanger.js';
import { GroupMembers } from '../components/GroupMembers.js';
import { GroupNotice } from '../components/GroupNotice.js';
import { ConversationFiles } from '../components/ConversationFiles.js';

/**
 * Members and settings of a conversation: name, notice board, members and their roles, mute, mute-all,
 * convert, leave, dissolve. Every change goes to the server and comes back as an event, so the screen (and
 * every member's) shows it from the SDK's state. The rules are central's; this only hides what my role
 * cannot do.
 */
export function GroupInfo({ convId }: { convId: number }) {
  const session = useSession();
  const i18n = useI18n();
  const { t } = i18n;
  void session.rev.value;
  const c = session.conv(convId);
  const [error, setError] = useState('');
  /** The name being typed, until it is saved; null shows the current one. */
  const [title, setTitle] = useState<string | null>(null);
  /** The mute switch as clicked, until the server's event says the same. */
  const [muting, setMuting] = useState<boolean | null>(null);
  const [ask, dialog] = useConfirm();
  useEffect(() => { if (muting !== null && c?.muted === muting) setMuting(null); });
  if (!c) return <div class="empty"><a href="#/chats">{t('back')}</a></div>;

  const api = session.client.api;
  const act = (p: Promise<unknown>) => p.then(() => setError(''), (e: unknown) => setError(errorText(i18n, e)));
  const role = c.members.find((m) => m.user_id === session.me)?.role;
  const group = c.kind === 'group';
  const canRename = group && !c.dissolved && (c.discussion || role === 'owner' || role === 'admin');
  const heading = !group ? t('chatInfo') : c.discussion ? t('discussionInfo') : t('groupInfo');
  const rename = (e: Event) => {
    e.preventDefault();
    void act(api.call('conv.rename', { conv_id: convId, title: (title ?? c.title).trim(), cmid: newCmid() }).then(() => setTitle(null)));
  };
  const mute = (on: boolean) => {
    setMuting(on);
    api.call('conv.mute', { conv_id: convId, muted: on }).then(() => setError(''), (e: unknown) => { setMuting(null); setError(errorText(i18n, e)); });
  };
  return (
    <section class="panel group-info" aria-label={heading}>
      <header class="chat-head"><a class="icon-btn back" href={`#/chat/${convId}`} aria-label={t('back')}>‹</a><h2>{heading}</h2>
        {group && c.discussion ? <span class="tag kind-tag">{t('discussion')}</span> : null}
        {group && c.dissolved ? <span class="tag dissolved-tag">{t('dissolved')}</span> : null}
      </header>
      <div class="panel-body info-body">
        {group ? (
          <div class="info-card">
            <Avatar name={convTitle(session, i18n, c)} />
            <form class="row grow" onSubmit={rename}>
              <label class="grow">{t('groupName')}
                <input value={title ?? c.title} aria-label={t('groupName')} maxLength={100} disabled={!canRename} onInput={(e) => setTitle(e.currentTarget.value)} />
              </label>
              {canRename ? <button type="submit">{t('save')}</button> : null}
            </form>
          </div>
        ) : null}
        {group && c.dissolved ? <p class="info-banner" role="status">{t('dissolvedHint')}</p> : null}
        {group && !c.discussion ? <GroupNotice c={c} canEdit={!c.dissolved && (role === 'owner' || role === 'admin')} act={act} /> : null}
        <GroupMembers c={c} act={act} ask={ask} />
        <ConversationFiles convId={convId} />
        <AddMembers c={c} act={act} />
        <section class="info-section settings" aria-label={t('groupSettings')}>
          <label class="switch setting">
            <span class="setting-text"><span>{t('mute')}</span></span>
            <input type="checkbox" role="switch" checked={muting ?? c.muted} onChange={(e) => mute(e.currentTarget.checked)} />
          </label>
          <MuteAllSwitch c={c} act={act} />
        </section>
        {group ? <GroupDanger c={c} act={act} ask={ask} /> : null}
        <p class="form-error" role="alert">{error}</p>
      </div>
      {dialog}
    </section>
  );
}
