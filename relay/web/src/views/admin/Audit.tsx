import { useState } from 'preact/hooks';
import { useSession } from '../../context.js';
import { Outcome, Show, TimeRangeAndActions } from './Parts.js';
import type { AuditExport, AuditRow } from './wire.js';
import { fromLocal, saveText, useAdminI18n, useLoad } from './text.js';

interface Filter { actor_id?: number; action?: string; target?: string; since?: number; until?: number }

/** 审计日志: administrative actions, filtered by actor, action, target and time; the same filters export as CSV. */
export function Audit() {
  const session = useSession();
  const { t, refusal, stamp } = useAdminI18n();
  const api = session.client.api;
  const [filter, setFilter] = useState<Filter>({});
  const [ok, setOk] = useState('');
  const [error, setError] = useState('');
  const [loaded, reload] = useLoad<AuditRow[]>(() => api.call('admin.audit', { ...filter, limit: 200 }), JSON.stringify(filter));
  const apply = (e: Event) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget as HTMLFormElement);
    const field = (k: string) => String(data.get(k) ?? '').trim();
    const f: Filter = {};
    if (field('actor')) f.actor_id = Number(field('actor'));
    if (field('action')) f.action = field('action');
    if (field('target')) f.target = field('target');
    const since = fromLocal(field('since'));
    const until = fromLocal(field('until'));
    if (since !== undefined) f.since = since;
    if (until !== undefined) f.until = until;
    setFilter(f);
  };
  const exportCsv = () => {
    setOk('');
    setError('');
    api.call('admin.audit.export', { ...filter }).then((r: AuditExport) => {
      saveText('audit.csv', r.csv);
      setOk(t(r.truncated ? 'exportTruncated' : 'exported', r.rows));
    }, (e: unknown) => setError(refusal(e)));
  };
  return (
    <div class="admin-section audit-admin">
      <form class="admin-filters" onSubmit={apply} onReset={() => setFilter({})}>
        <label>{t('actorId')}<input name="actor" type="number" min={1} /></label>
        <label>{t('action')}<input name="action" maxLength={64} placeholder="grant.add" /></label>
        <label>{t('target')}<input name="target" maxLength={128} placeholder="user:12" /></label>
        <TimeRangeAndActions onExport={exportCsv} />
      </form>
      <Outcome ok={ok} error={error} />
      <Show loaded={loaded} retry={reload}>{(rows) => (rows.length ? (
        <div class="table-wrap">
          <table class="admin-table">
            <thead><tr><th>{t('loginAt')}</th><th>{t('actor')}</th><th>{t('action')}</th><th>{t('target')}</th></tr></thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.id}>
                  <td>{stamp(r.at)}</td>
                  <td>{r.actor_name ?? r.actor_id ?? ''}</td>
                  <td><code>{r.action}</code></td>
                  <td>{r.target_name ? `${r.target_name} ` : ''}<span class="muted-text">{r.target}</span></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : <p class="muted-text">{t('nothing')}</p>)}</Show>
    </div>
  );
}
