import { useEffect, useState } from 'preact/hooks';
import { useI18n, useSession } from '../context.js';
import type { Person } from '../directory.js';
import { Avatar } from './Avatar.js';

interface PickerProps {
  selected: ReadonlySet<number>;
  /** Users not offered (current members); I am never offered. */
  exclude: ReadonlySet<number>;
  onToggle(userId: number, on: boolean): void;
}

/** A searchable list of people with checkboxes, from the directory. */
export function PeoplePicker({ selected, exclude, onToggle }: PickerProps) {
  const session = useSession();
  const { t } = useI18n();
  const [query, setQuery] = useState('');
  const [people, setPeople] = useState<Person[]>([]);
  useEffect(() => {
    let live = true;
    const timer = setTimeout(() => {
      session.directory.search(query).then((found) => {
        if (!live) return;
        for (const p of found) session.remember(p);
        setPeople(found);
      }, () => { /* offline: the list stays as it was */ });
    }, query ? 200 : 0);
    return () => { live = false; clearTimeout(timer); };
  }, [query]);
  return (
    <div class="picker">
      <input type="search" class="search" placeholder={t('searchPeople')} aria-label={t('searchPeople')} value={query} onInput={(e) => setQuery(e.currentTarget.value)} />
      <ul class="picker-list" aria-label={t('selectPeople')}>
        {people.filter((p) => p.userId !== null && !exclude.has(p.userId) && p.userId !== session.me).map((p) => (
          <li key={p.userId}>
            <label class="pick">
              <input type="checkbox" checked={selected.has(p.userId!)} data-user={p.userId!} onChange={(e) => onToggle(p.userId!, e.currentTarget.checked)} />
              <Avatar name={p.name} size="sm" /><span>{p.name}</span><span class="muted-text">{p.account}</span>
            </label>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** The selection state a picker's owner keeps. */
export function useSelection(): [ReadonlySet<number>, (userId: number, on: boolean) => void, () => void] {
  const [selected, setSelected] = useState<ReadonlySet<number>>(new Set());
  const toggle = (userId: number, on: boolean) => setSelected((s) => {
    const next = new Set(s);
    if (on) next.add(userId); else next.delete(userId);
    return next;
  });
  return [selected, toggle, () => setSelected(new Set())];
}
