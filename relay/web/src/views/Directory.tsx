import { useEffect, useRef, useState } from 'preact/hooks';
import { useI18n, useSession, useStore } from '../context.js';
import type { Department, Person } from '../directory.js';
import type { Route } from '../route.js';
import { Avatar } from '../components/Avatar.js';
import { listKeys, useKeptFocus } from '../components/list.js';

/** The directory's side pane: search (names, accounts, pinyin), the department tree and the people found. */
export function DirectoryPanel() {
  const session = useSession();
  const { t } = useI18n();
  const route = useStore().route.value;
  const changed = session.people.value;
  const [typed, setTyped] = useState('');
  const [query, setQuery] = useState('');
  const [dept, setDept] = useState<number | undefined>(undefined);
  const [tree, setTree] = useState<Department[]>([]);
  const [people, setPeople] = useState<Person[] | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const list = useRef<HTMLUListElement>(null);
  useKeptFocus(list);
  useEffect(() => () => clearTimeout(timer.current), []);
  useEffect(() => {
    let live = true;
    session.directory.tree().then((d) => { if (live) setTree(d); }, () => { /* no directory: no tree */ });
    return () => { live = false; };
  }, [changed]);
  useEffect(() => {
    let live = true;
    session.directory.search(query, dept).then((found) => {
      if (!live) return;
      for (const p of found) session.remember(p);
      setPeople(found);
    }, () => { /* offline: the list stays as it was */ });
    return () => { live = false; };
  }, [query, dept, changed]);
  const type = (value: string) => {
    setTyped(value);
    clearTimeout(timer.current);
    timer.current = setTimeout(() => setQuery(value), 200);
  };
  const pick = (id: number) => setDept(dept === id ? undefined : id);
  return (
    <div class="directory">
      <div class="side-tools">
        <input type="search" class="search dir-search" placeholder={t('searchPeople')} aria-label={t('searchPeople')} value={typed} onInput={(e) => type(e.currentTarget.value)} />
      </div>
      <div class="dept-tree" hidden={!tree.length}>
        {tree.length ? <><h3>{t('departments')}</h3><ul>{tree.map((d) => <DeptNode key={d.id} d={d} current={dept} onPick={pick} />)}</ul></> : null}
      </div>
      <ul ref={list} class="people" aria-label={t('people')} onKeyDown={listKeys}>
        {people?.map((p) => <PersonRow key={p.id} p={p} current={isCurrent(route, p)} />)}
        {people && !people.length ? <li class="empty-note">{t('noResults')}</li> : null}
      </ul>
    </div>
  );
}

const isCurrent = (r: Route, p: Person): boolean => r.name === 'person' && (r.byUser ? p.userId === r.id : p.id === r.id);

function DeptNode({ d, current, onPick }: { d: Department; current: number | undefined; onPick(id: number): void }) {
  const on = current === d.id;
  return (
    <li>
      <button type="button" class={`dept${on ? ' on' : ''}`} aria-pressed={on} onClick={() => onPick(d.id)}>{d.name}</button>
      {d.children.length ? <ul>{d.children.map((c) => <DeptNode key={c.id} d={c} current={current} onPick={onPick} />)}</ul> : null}
    </li>
  );
}

function PersonRow({ p, current }: { p: Person; current: boolean }) {
  return (
    <li>
      <a class={`person-row${current ? ' current' : ''}`} href={`#/directory/${p.id}`} data-person={p.id} data-user={p.userId ?? undefined} aria-current={current ? 'page' : undefined}>
        <Avatar name={p.name} size="sm" /><span class="person-name">{p.name}</span><span class="muted-text">{p.title ?? p.department ?? p.account}</span>
      </a>
    </li>
  );
}
