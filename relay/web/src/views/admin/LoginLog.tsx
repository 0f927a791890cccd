import { useState } from 'preact/hooks';
import { useSession } from '../../context.js';
import { LOGIN_RESULTS, type LoginResultCode } from '../../../../../shared/protocol/signins.js';
import type { LoginEventView } from './wire.js';
import { Outcome, Show, TimeRangeAndActions } from './Parts.js';
import { fromLocal, saveText, toCsv, useAdminI18n, useLoad, type AdminKey } from './text.js';

interface Filter { result?: LoginResultCode; account?: string; since?: number; until?: number }

/** 登录流水: every sign-in attempt in my scope, filtered by result, account and time; the rows shown export as CSV. */
export function LoginLog() {
  const session = useSession();
  const { t, refusal, stamp } = useAdminI18n();
  const [filter, setFilter] = useState<Filter>({});
  const [error, setError] = useState('');
  const fetch = (limit: number): Promise<LoginEventView[]> => session.client.api.call('admin.loginLog', { ...filter, limit });
  const [loaded, reload] = useLoad(() => fetch(200), JSON.stringify(filter));
  const resultText = (r: string) => t(`res_${r}` as AdminKey);
  const apply = (e: Event) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget as HTMLFormElement);
    const field = (k: string) => String(data.get(k) ?? '').trim();
    const result = field('result') as LoginResultCode | '';
    const since = fromLocal(field('since'));
    const until = fromLocal(field('until'));
    setFilter({ ...(result ? { result } : {}), ...(field('account') ? { account: field('account') } : {}),
      ...(since !== undefined ? { since } : {}), ...(until !== undefined ? { until } : {}) });
  };
  const exportCsv = () => {
    setError('');
    fetch(1000).then((rows) => saveText('login-log.csv', toCsv([['id', 'at', 'account', 'user_id', 'name', 'result', 'ip', 'device_type', 'device_name'],
      ...rows.map((r) => [r.id, new Date(r.at).toISOString(), r.account, r.user_id, r.name, r.result, r.ip, r.device_type, r.device_name])])),
    (e: unknown) => setError(refusal(e)));
  };
  return (
    <div class="admin-section login-log">
      <form class="admin-filters" onSubmit={apply} onReset={() => setFilter({})}>
        <label>{t('result')}
          <select name="result">
            <option value="">{t('anyResult')}</option>
            {LOGIN_RESULTS.map((r) => <option key={r} value={r}>{resultText(r)}</option>)}
          </select>
        </label>
        <label>{t('account')}<input name="account" maxLength={64} autoComplete="off" /></label>
        <TimeRangeAndActions onExport={exportCsv} />
      </form>
      <Outcome ok="" error={error} />
      <Show loaded={loaded} retry={reload}>{(rows) => (rows.length ? (
        <div class="table-wrap">
          <table class="admin-table">
            <thead><tr><th>{t('loginAt')}</th><th>{t('account')}</th><th>{t('result')}</th><th>{t('address')}</th><th>{t('device')}</th></tr></thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.id} data-result={r.result}>
                  <td>{stamp(r.at)}</td>
                  <td>{r.name ? `${r.name} ` : ''}<span class="muted-text">{r.account}</span></td>
                  <td class={r.result === 'ok' ? 'ok' : 'bad'}>{resultText(r.result)}</td>
                  <td>{r.ip ?? ''}</td>
                  <td>{t(`device${r.device_type}`)} {r.device_name}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : <p class="muted-text">{t('nothing')}</p>)}</Show>
    </div>
  );
}
