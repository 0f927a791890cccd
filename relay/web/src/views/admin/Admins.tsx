import { useState } from 'preact/hooks';
import { useSession } from '../../context.js';
import { useConfirm } from '../../components/Confirm.js';
import { Outcome, Show } from './Parts.js';
import { useAdminI18n, useLoad, type AdminKey } from './text.js';
import { PERMISSIONS, type Grant, type Role, type UserView } from './wire.js';

/** 管理员与角色: roles (built-in and custom) and grants (a role over departments, or the whole organisation). */
export function Admins() {
  const session = useSession();
  const { t, refusal } = useAdminI18n();
  const api = session.client.api;
  const [roles, reloadRoles] = useLoad<Role[]>(() => api.call('admin.roles.list'), '');
  const [grants, reloadGrants] = useLoad<Grant[]>(() => api.call('admin.grants.list'), '');
  const [ok, setOk] = useState('');
  const [error, setError] = useState('');
  const [ask, dialog] = useConfirm();
  const perm = (p: string) => t(`perm_${p}` as AdminKey);
  const run = (call: Promise<unknown>, done: string, after: () => void) => {
    setOk('');
    setError('');
    call.then(() => { setOk(done); after(); }, (e: unknown) => setError(refusal(e)));
  };
  const createRole = (e: Event) => {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    const permissions = PERMISSIONS.filter((p) => data.get(`perm_${p}`) === 'on');
    run(api.call('admin.roles.create', { name: String(data.get('name') ?? '').trim(), permissions }), t('roleCreated'), () => { form.reset(); reloadRoles(); });
  };
  const addGrant = (e: Event) => {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    const account = String(data.get('account') ?? '').trim();
    const depts = String(data.get('depts') ?? '').split(/[,，\s]+/).filter(Boolean).map(Number);
    setOk('');
    setError('');
    api.call('admin.users.list', { q: account, limit: 50 }).then((found: UserView[]) => {
      const u = found.find((x) => x.account === account);
      if (!u) { setError(t('noSuchAccount', account)); return; }
      run(api.call('admin.grants.add', { user_id: u.id, role_id: Number(data.get('role')), ...(depts.length ? { dept_ids: depts } : {}) }),
        t('grantAdded', u.name), () => { form.reset(); reloadGrants(); reloadRoles(); });
    }, (err: unknown) => setError(refusal(err)));
  };
  return (
    <div class="admin-section admins-admin">
      <Outcome ok={ok} error={error} />
      <section class="admin-card grants">
        <h4>{t('grants')}</h4>
        <Show loaded={grants} retry={reloadGrants}>{(list) => (list.length ? (
          <ul class="admin-list">
            {list.map((g) => (
              <li key={g.id} class="user-row grant-row">
                <span><b>{g.user_name}</b> {g.role_name}
                  <span class="muted-text"> · {g.dept_ids === null ? t('wholeOrg') : g.dept_names.join('、')}</span></span>
                <button type="button" class="small revoke" onClick={() => ask({
                  text: t('revokeGrantConfirm', g.user_name, g.role_name), ok: t('revokeGrant'), danger: true,
                  run: () => run(api.call('admin.grants.revoke', { grant_id: g.id }), t('grantRevoked'), () => { reloadGrants(); reloadRoles(); }),
                })}>{t('revokeGrant')}</button>
              </li>
            ))}
          </ul>
        ) : <p class="muted-text">{t('nothing')}</p>)}</Show>
        <Show loaded={roles} retry={reloadRoles}>{(list) => (
          <form class="admin-form add-grant" onSubmit={addGrant}>
            <label>{t('personAccount')}<input name="account" required maxLength={64} autoComplete="off" /></label>
            <label>{t('role')}<select name="role">{list.map((r) => <option key={r.id} value={r.id}>{r.name}</option>)}</select></label>
            <label>{t('grantDepts')}<input name="depts" inputMode="numeric" placeholder={t('wholeOrg')} /></label>
            <div class="actions"><button type="submit" class="primary">{t('addGrant')}</button></div>
          </form>
        )}</Show>
      </section>
      <section class="admin-card roles">
        <h4>{t('roles')}</h4>
        <Show loaded={roles} retry={reloadRoles}>{(list) => (
          <ul class="admin-list">
            {list.map((r) => (
              <li key={r.id} class="user-row role-row">
                <span><b>{r.name}</b>{r.builtin ? <span class="tag">{t('builtin')}</span> : null}
                  <span class="muted-text"> {r.permissions.map(perm).join('、')} · {t('holders', r.holders)}</span></span>
                {!r.builtin && !r.holders ? (
                  <button type="button" class="small" onClick={() => run(api.call('admin.roles.delete', { role_id: r.id }), t('roleDeleted'), reloadRoles)}>{t('deleteRule')}</button>
                ) : null}
              </li>
            ))}
          </ul>
        )}</Show>
        <form class="admin-form new-role" onSubmit={createRole}>
          <label>{t('roleName')}<input name="name" required maxLength={64} autoComplete="off" /></label>
          <fieldset class="choices"><legend>{t('permissions')}</legend>
            {PERMISSIONS.map((p) => <label key={p} class="choice"><input type="checkbox" name={`perm_${p}`} /> {perm(p)}</label>)}
          </fieldset>
          <div class="actions"><button type="submit" class="primary">{t('createRole')}</button></div>
        </form>
      </section>
      {dialog}
    </div>
  );
}
