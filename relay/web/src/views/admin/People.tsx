import { useState } from 'preact/hooks';
import { useSession } from '../../context.js';
import { useConfirm } from '../../components/Confirm.js';
import type { ActivationCode as Code, UserView, UserWithPassword } from './wire.js';
import { OneTime, Outcome, Show } from './Parts.js';
import { saveText, toCsv, useAdminI18n, useLoad } from './text.js';

/** 成员: find people, create one (the generated password shown once), and what an administrator does to an account. */
export function People() {
  const session = useSession();
  const { t, refusal, stamp } = useAdminI18n();
  const api = session.client.api;
  const [q, setQ] = useState('');
  const [loaded, reload] = useLoad<UserView[]>(() => api.call('admin.users.list', { ...(q.trim() ? { q: q.trim() } : {}), limit: 200 }), q.trim());
  const [selected, setSelected] = useState<ReadonlySet<number>>(new Set());
  const [secret, setSecret] = useState<{ title: string; text: string; hint: string; codes?: Code[] } | null>(null);
  const [ok, setOk] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const [ask, dialog] = useConfirm();

  function run<R>(call: Promise<R>, after: (r: R) => void): void {
    setBusy(true);
    setOk('');
    setError('');
    call.then((r) => { setBusy(false); after(r); reload(); }, (e: unknown) => { setBusy(false); setError(refusal(e)); });
  }
  const create = (e: Event) => {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    const field = (k: string) => String(data.get(k) ?? '').trim();
    const password = field('password');
    run(api.call('admin.users.create', { account: field('account'), ...(field('name') ? { name: field('name') } : {}), ...(password ? { password } : {}) }), (u: UserWithPassword) => {
      form.reset();
      setOk(t('created', u.name));
      if (u.password) setSecret({ title: t('oneTimePassword', u.account, ''), text: u.password, hint: t('shownOnce') });
    });
  };
  const resetPassword = (u: UserView) => ask({
    text: t('resetPasswordConfirm', u.name), ok: t('resetPassword'), danger: true,
    run: () => run(api.call('admin.users.password', { user_id: u.id, generate: true }), (r: UserWithPassword) => {
      if (r.password) setSecret({ title: t('oneTimePassword', u.account, ''), text: r.password, hint: t('shownOnce') });
    }),
  });
  const disable = (u: UserView) => ask({
    text: t('disableConfirm', u.name), ok: t('disable'), danger: true,
    run: () => run(api.call('admin.users.disable', { user_id: u.id }), () => setOk(t('userDisabled', u.name))),
  });
  const enable = (u: UserView) => run(api.call('admin.users.enable', { user_id: u.id }), () => setOk(t('userEnabled', u.name)));
  const unlock = (u: UserView) => run(api.call('admin.users.unlock', { user_id: u.id }), (r: { unlocked: boolean }) => setOk(t(r.unlocked ? 'unlocked' : 'notLocked', u.name)));
  const resetTotp = (u: UserView) => ask({
    text: t('resetTotpConfirm', u.name), ok: t('resetTotp'), danger: true,
    run: () => run(api.call('admin.users.resetTotp', { user_id: u.id }), (r: { reset: boolean; sessions_ended: number }) => setOk(r.reset ? t('totpReset', u.name, r.sessions_ended) : t('totpNotSet', u.name))),
  });
  const showCodes = (codes: Code[]) => setSecret({
    title: t('codesIssued', codes.length, codes[0] ? stamp(codes[0].expires_at) : ''),
    text: codes.map((c) => `${c.account}\t${c.name}\t${c.code}`).join('\n'), hint: t('codesHint'), codes,
  });
  const codesForSelected = () => run(api.call('admin.users.activationCodes', { user_ids: [...selected] }), showCodes);
  const codesForDept = (e: Event) => {
    e.preventDefault();
    const dept = Number(new FormData(e.currentTarget as HTMLFormElement).get('dept'));
    run(api.call('admin.users.activationCodes', { dept_id: dept }), showCodes);
  };
  const toggle = (id: number, on: boolean) => setSelected((s) => { const n = new Set(s); if (on) n.add(id); else n.delete(id); return n; });

  return (
    <div class="admin-section people-admin">
      <p class="muted-text">{t('consoleHint')}</p>
      <form class="admin-form new-user" onSubmit={create}>
        <h4>{t('newUser')}</h4>
        <label>{t('userAccount')}<input name="account" required minLength={2} maxLength={64} autoComplete="off" /></label>
        <label>{t('userName')}<input name="name" maxLength={100} autoComplete="off" /></label>
        <label>{t('userPassword')}<input name="password" type="password" minLength={8} maxLength={256} autoComplete="new-password" /></label>
        <div class="actions"><button type="submit" class="primary" disabled={busy}>{t('create')}</button></div>
      </form>
      <Outcome ok={ok} error={error} />
      {secret ? (
        <OneTime title={secret.title} text={secret.text} hint={secret.hint} onClose={() => setSecret(null)}>
          {secret.codes ? (
            <button type="button" onClick={() => saveText('activation-codes.csv', toCsv([['user_id', 'account', 'name', 'code', 'expires_at'],
              ...secret.codes!.map((c) => [c.user_id, c.account, c.name, c.code, new Date(c.expires_at).toISOString()])]))}>{t('downloadCsv')}</button>
          ) : null}
        </OneTime>
      ) : null}
      <div class="admin-toolbar">
        <input type="search" value={q} onInput={(e) => setQ((e.target as HTMLInputElement).value)} placeholder={t('searchUsers')} aria-label={t('searchUsers')} />
      </div>
      <div class="admin-toolbar codes">
        <span>{t('activationCodes')}</span>
        <button type="button" disabled={busy || !selected.size} onClick={codesForSelected}>{t('codesForSelected', selected.size)}</button>
        <form class="inline-form" onSubmit={codesForDept}>
          <input name="dept" type="number" min={1} required placeholder={t('deptId')} aria-label={t('deptId')} />
          <button type="submit" disabled={busy}>{t('codesForDept')}</button>
        </form>
      </div>
      <Show loaded={loaded} retry={reload}>{(users) => (users.length ? (
        <ul class="admin-list users">
          {users.map((u) => (
            <li key={u.id} class={u.disabled ? 'user-row disabled' : 'user-row'} data-account={u.account}>
              <label class="who">
                <input type="checkbox" checked={selected.has(u.id)} onChange={(e) => toggle(u.id, (e.target as HTMLInputElement).checked)} aria-label={t('selectUser', u.name)} />
                <span><b>{u.name}</b> <span class="muted-text">{u.account}</span>
                  {u.disabled ? <span class="tag off">{t('disabledTag')}</span> : null}
                  {u.is_super ? <span class="tag">{t('superTag')}</span> : u.is_admin ? <span class="tag">{t('adminTag')}</span> : null}
                </span>
              </label>
              <div class="row-actions" role="group" aria-label={t('actionsFor', u.name)}>
                {u.disabled
                  ? <button type="button" class="enable" disabled={busy} onClick={() => enable(u)}>{t('enable')}</button>
                  : <button type="button" class="disable" disabled={busy} onClick={() => disable(u)}>{t('disable')}</button>}
                <button type="button" class="reset-password" disabled={busy} onClick={() => resetPassword(u)}>{t('resetPassword')}</button>
                <button type="button" class="unlock" disabled={busy} onClick={() => unlock(u)}>{t('unlock')}</button>
                <button type="button" class="reset-totp" disabled={busy} onClick={() => resetTotp(u)}>{t('resetTotp')}</button>
              </div>
            </li>
          ))}
        </ul>
      ) : <p class="muted-text">{t('nothing')}</p>)}</Show>
      {dialog}
    </div>
  );
}
