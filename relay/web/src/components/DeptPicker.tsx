import { useEffect, useState } from 'preact/hooks';
import { useI18n, useSession } from '../context.js';
import type { Department } from '../directory.js';

interface Props {
  selected: ReadonlySet<number>;
  onToggle(userId: number, on: boolean): void;
}

/**
 * The organisation tree with a checkbox per department: ticking one selects everyone in it and below,
 * unticking unselects them. Departments open to show the ones below. Nothing shows without a directory.
 */
export function DeptPicker({ selected, onToggle }: Props) {
  const session = useSession();
  const { t } = useI18n();
  const changed = session.people.value;
  const [tree, setTree] = useState<Department[]>([]);
  /** User ids in each department (and below), as far as they have been looked up. */
  const [people, setPeople] = useState<ReadonlyMap<number, number[]>>(new Map());
  const [open, setOpen] = useState<ReadonlySet<number>>(new Set());
  useEffect(() => {
    let live = true;
    session.directory.tree().then((d) => { if (live) setTree(d); }, () => { /* no directory: no tree */ });
    return () => { live = false; };
  }, [changed]);
  const visible = (nodes: Department[]): Department[] => nodes.flatMap((d) => [d, ...(open.has(d.id) ? visible(d.children) : [])]);
  const shownIds = visible(tree).map((d) => d.id).join(',');
  useEffect(() => {
    let live = true;
    const ids = shownIds ? shownIds.split(',').map(Number) : [];
    Promise.all(ids.map((id) => session.directory.search('', id).then((found) => {
      for (const p of found) session.remember(p);
      return [id, found.flatMap((p) => (p.userId === null || p.userId === session.me ? [] : [p.userId]))] as const;
    }))).then((rows) => { if (live) setPeople(new Map(rows)); }, () => { /* offline: counts stay unknown */ });
    return () => { live = false; };
  }, [shownIds, changed]);
  if (!tree.length) return null;
  const toggleOpen = (id: number) => setOpen((s) => { const n = new Set(s); if (n.has(id)) n.delete(id); else n.add(id); return n; });
  const tick = (id: number, on: boolean) => { for (const u of people.get(id) ?? []) onToggle(u, on); };
  const node = (d: Department) => {
    const ids = people.get(d.id);
    const picked = ids?.filter((u) => selected.has(u)).length ?? 0;
    const all = !!ids?.length && picked === ids.length;
    return (
      <li key={d.id}>
        <div class="dept-row">
          {d.children.length
            ? <button type="button" class={`twisty${open.has(d.id) ? ' open' : ''}`} aria-expanded={open.has(d.id)} aria-label={`${open.has(d.id) ? t('collapse') : t('expand')} ${d.name}`} onClick={() => toggleOpen(d.id)}>▸</button>
            : <span class="twisty-gap" />}
          <label class="pick dept-pick">
            <input type="checkbox" data-dept={d.id} checked={all} disabled={!ids?.length}
              ref={(el) => { if (el) el.indeterminate = picked > 0 && !all; }} onChange={(e) => tick(d.id, e.currentTarget.checked)} />
            <span class="dept-name">{d.name}</span>
            {ids ? <span class="muted-text">{t('deptCount', ids.length)}</span> : null}
          </label>
        </div>
        {d.children.length && open.has(d.id) ? <ul>{d.children.map(node)}</ul> : null}
      </li>
    );
  };
  return (
    <div class="dept-picker">
      <h4>{t('byDepartment')}</h4>
      <ul class="dept-picker-tree" aria-label={t('byDepartment')}>{tree.map(node)}</ul>
    </div>
  );
}
