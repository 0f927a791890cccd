import { useEffect, useState } from 'preact/hooks';
import { newCmid } from '../../../../shared/sdk/client.js';
import type { ConversationView, MemberView } from '../../../../shared/protocol/types.js';
import { useI18n, useSession } from '../context.js';
import { Avatar } from './Avatar.js';
import type { Ask } from './Confirm.js';

const RANK: Record<MemberView['role'], number> = { owner: 0, admin: 1, member: 2 };

/**
 * Whom a member search shows: names containing the query, and the people the directory finds for it (its
 * search knows pinyin and initials: "zhangw", "zw" find 张伟). Null when nothing is typed (everyone).
 */
function useMemberHits(query: string): ReadonlySet<number> | null {
  const session = useSession();
  const [hits, setHits] = useState<ReadonlySet<number> | null>(null);
  useEffect(() => {
    const q = query.trim();
    setHits(q ? new Set() : null);
    if (!q) return;
    let live = true;
    const timer = setTimeout(() => {
      session.directory.search(q).then((found) => {
        if (live) setHits(new Set(found.flatMap((p) => (p.userId === null ? [] : [p.userId]))));
      }, () => { /* offline: names still match locally */ });
    }, 150);
    return () => { live = false; clearTimeout(timer); };
  }, [query]);
  return hits;
}

interface Props {
  c: ConversationView;
  act(p: Promise<unknown>): Promise<void>;
  ask(a: Ask): void;
}

/** The member list: search, roles (群主/管理员), and what my role lets me do to each member. */
export function GroupMembers({ c, act, ask }: Props) {
  const session = useSession();
  const { t } = useI18n();
  const [query, setQuery] = useState('');
  const hits = useMemberHits(query);
  const api = session.client.api;
  const myRole = c.members.find((m) => m.user_id === session.me)?.role;
  const live = c.kind === 'group' && !c.discussion && !c.dissolved;
  const q = query.trim().toLowerCase();
  const shown = c.members
    .filter((m) => !q || m.name.toLowerCase().includes(q) || hits?.has(m.user_id))
    .sort((a, b) => RANK[a.role] - RANK[b.role]);
  const call = (p: Promise<unknown>) => void act(p);
  const setRole = (m: MemberView, role: 'admin' | 'member') => call(api.call('conv.setRole', { conv_id: c.id, user_id: m.user_id, role, cmid: newCmid() }));
  const transfer = (m: MemberView) => ask({
    text: t('transferConfirm', m.name), ok: t('transfer'),
    run: () => call(api.call('conv.transfer', { conv_id: c.id, user_id: m.user_id, cmid: newCmid() })),
  });
  const remove = (m: MemberView) => ask({
    text: t('removeConfirm', m.name), ok: t('remove'), danger: true,
    run: () => call(api.call('conv.removeMember', { conv_id: c.id, user_id: m.user_id, cmid: newCmid() })),
  });
  const roleName = (r: string) => (r === 'owner' ? t('owner') : r === 'admin' ? t('admin') : '');
  return (
    <section class="info-section members" aria-labelledby="members-h">
      <div class="section-head"><h3 id="members-h">{t('members', c.members.length)}</h3></div>
      {c.members.length > 2 ? (
        <input type="search" class="search member-search" placeholder={t('searchMembers')} aria-label={t('searchMembers')} value={query}
          onInput={(e) => setQuery(e.currentTarget.value)} />
      ) : null}
      <ul class="member-list">
        {shown.map((m) => {
          const other = m.user_id !== session.me;
          const canRemove = live && other && m.role !== 'owner' && (myRole === 'owner' || myRole === 'admin');
          const ownerMenu = live && other && myRole === 'owner';
          return (
            <li key={m.user_id} data-user={m.user_id}>
              <Avatar name={m.name} size="sm" />
              <a class="member-name" href={`#/directory/user/${m.user_id}`}>{m.name}</a>
              {other ? null : <span class="muted-text">{t('meMark')}</span>}
              {roleName(m.role) ? <span class={`tag role-${m.role}`}>{roleName(m.role)}</span> : null}
              <span class="member-actions">
                {canRemove ? <button type="button" class="small link-btn" aria-label={`${t('remove')} ${m.name}`} onClick={() => remove(m)}>{t('remove')}</button> : null}
                {ownerMenu ? (
                  <details class="member-menu">
                    <summary class="icon-btn" aria-label={`${t('moreActions')} ${m.name}`} title={t('moreActions')}>⋯</summary>
                    <div class="menu" role="menu" onClick={(e) => { (e.currentTarget.parentElement as HTMLDetailsElement).open = false; }}>
                      {m.role === 'admin'
                        ? <button type="button" role="menuitem" class="unmake-admin" onClick={() => setRole(m, 'member')}>{t('unmakeAdmin')}</button>
                        : <button type="button" role="menuitem" class="make-admin" onClick={() => setRole(m, 'admin')}>{t('makeAdmin')}</button>}
                      <button type="button" role="menuitem" class="transfer" onClick={() => transfer(m)}>{t('transfer')}</button>
                    </div>
                  </details>
                ) : null}
              </span>
            </li>
          );
        })}
        {!shown.length ? <li class="empty-note">{t('noMembersFound')}</li> : null}
      </ul>
    </section>
  );
}
