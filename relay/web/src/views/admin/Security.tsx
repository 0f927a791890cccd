import { useState } from 'preact/hooks';
import { useSession } from '../../context.js';
import { Outcome, Show } from './Parts.js';
import { DEVICE_TYPES, type DevicePolicy, type FileRule, type LoginRule, type MessagePolicy, type PasswordPolicy as Policy } from './wire.js';
import { useAdminI18n, useLoad, type AdminKey } from './text.js';

const NUMBERS = [
  ['min_length', 'minLength', 8, 128], ['min_classes', 'minClasses', 1, 4], ['history', 'historyCount', 0, 24],
  ['max_age_days', 'maxAgeDays', 0, 3650], ['lockout_threshold', 'lockoutThreshold', 0, 100], ['lockout_seconds', 'lockoutSeconds', 1, 86_400],
  ['activation_days', 'activationDays', 1, 90],
] as const;
const SWITCHES = [['force_change_admin_set', 'forceChange'], ['totp_for_admins', 'totpForAdmins']] as const;

/** 安全策略: the password policy, login rules, the device PIN policy, recall and edit windows, and file rules. */
export function Security() {
  return (
    <div class="admin-section security-admin">
      <PasswordPolicy />
      <LoginRules />
      <PinPolicy />
      <MessagePolicy />
      <FileRules />
    </div>
  );
}

/** Runs a call and keeps its outcome in words. */
function useOutcome(): [(call: Promise<unknown>, after?: () => void) => void, preact.JSX.Element] {
  const { t, refusal } = useAdminI18n();
  const [ok, setOk] = useState('');
  const [error, setError] = useState('');
  const run = (call: Promise<unknown>, after?: () => void) => {
    setOk('');
    setError('');
    call.then(() => { setOk(t('policySaved')); after?.(); }, (e: unknown) => setError(refusal(e)));
  };
  return [run, <Outcome ok={ok} error={error} />];
}

function PasswordPolicy() {
  const session = useSession();
  const { t } = useAdminI18n();
  const api = session.client.api;
  const [loaded, reload] = useLoad<Policy>(() => api.call('admin.passwordPolicy.get'), '');
  const [run, outcome] = useOutcome();
  const save = (e: Event) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget as HTMLFormElement);
    const p: Record<string, number | boolean> = {};
    for (const [k] of NUMBERS) p[k] = Number(data.get(k));
    for (const [k] of SWITCHES) p[k] = data.get(k) === 'on';
    run(api.call('admin.passwordPolicy.set', p), reload);
  };
  return (
    <section class="admin-card password-policy">
      <h4>{t('passwordPolicy')}</h4>
      <Show loaded={loaded} retry={reload}>{(policy) => (
        <form class="admin-form" onSubmit={save}>
          {NUMBERS.map(([k, label, min, max]) => (
            <label key={k}>{t(label)}<input name={k} type="number" min={min} max={max} required defaultValue={String(policy[k])} /></label>
          ))}
          {SWITCHES.map(([k, label]) => (
            <label key={k} class="choice"><input name={k} type="checkbox" defaultChecked={policy[k]} /> {t(label)}</label>
          ))}
          <div class="actions"><button type="submit" class="primary">{t('save')}</button></div>
        </form>
      )}</Show>
      {outcome}
    </section>
  );
}

function LoginRules() {
  const session = useSession();
  const { t } = useAdminI18n();
  const api = session.client.api;
  const [loaded, reload] = useLoad<LoginRule[]>(() => api.call('admin.loginPolicy.list'), '');
  const [run, outcome] = useOutcome();
  const save = (e: Event) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget as HTMLFormElement);
    const scope = String(data.get('scope')) as 'org' | 'dept' | 'person';
    const types = DEVICE_TYPES.filter((d) => data.get(`type_${d}`) === 'on');
    const approval = String(data.get('approval'));
    run(api.call('admin.loginPolicy.set', {
      scope, target_id: Number(data.get('target')),
      device_types: types.length ? types : null,
      approval: approval === 'none' || approval === 'new_device' ? approval : null,
    }), reload);
  };
  return (
    <section class="admin-card login-rules">
      <h4>{t('loginRules')}</h4>
      <Show loaded={loaded} retry={reload}>{(rules) => (rules.length ? (
        <ul class="admin-list">
          {rules.map((r) => (
            <li key={`${r.scope}:${r.target_id}`} class="user-row">
              <span><b>{t(`ruleScope_${r.scope}` as AdminKey)} #{r.target_id}</b>
                <span class="muted-text"> {t('deviceTypes')}: {r.device_types ? r.device_types.map((d) => t(`device${d}`)).join('、') : t('notSet')}
                  · {t('approval')}: {r.approval ? t(`approval_${r.approval}` as AdminKey) : t('notSet')}</span></span>
              <button type="button" class="small" onClick={() => run(api.call('admin.loginPolicy.delete', { scope: r.scope, target_id: r.target_id }), reload)}>{t('deleteRule')}</button>
            </li>
          ))}
        </ul>
      ) : <p class="muted-text">{t('nothing')}</p>)}</Show>
      <form class="admin-form" onSubmit={save}>
        <label>{t('ruleTarget')}
          <select name="scope">{(['org', 'dept', 'person'] as const).map((s) => <option key={s} value={s}>{t(`ruleScope_${s}`)}</option>)}</select>
        </label>
        <label>{t('ruleTargetId')}<input name="target" type="number" min={1} required defaultValue="1" /></label>
        <fieldset class="choices"><legend>{t('deviceTypes')}</legend>
          {DEVICE_TYPES.map((d) => <label key={d} class="choice"><input type="checkbox" name={`type_${d}`} /> {t(`device${d}`)}</label>)}
        </fieldset>
        <label>{t('approval')}
          <select name="approval"><option value="">{t('notSet')}</option><option value="none">{t('approval_none')}</option><option value="new_device">{t('approval_new_device')}</option></select>
        </label>
        <div class="actions"><button type="submit" class="primary">{t('save')}</button></div>
      </form>
      {outcome}
    </section>
  );
}

function PinPolicy() {
  const session = useSession();
  const { t } = useAdminI18n();
  const api = session.client.api;
  const [loaded, reload] = useLoad<DevicePolicy>(() => api.call('admin.devices.policy.get'), '');
  const [run, outcome] = useOutcome();
  const save = (e: Event) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget as HTMLFormElement);
    run(api.call('admin.devices.policy.set', { require_pin: data.get('require_pin') === 'on', max_attempts: Number(data.get('max_attempts')) }), reload);
  };
  return (
    <section class="admin-card pin-policy">
      <h4>{t('pinPolicy')}</h4>
      <Show loaded={loaded} retry={reload}>{(p) => (
        <form class="admin-form" onSubmit={save}>
          <label class="choice"><input name="require_pin" type="checkbox" defaultChecked={p.require_pin} /> {t('pinRequired')}</label>
          <label>{t('pinMaxAttempts')}<input name="max_attempts" type="number" min={1} max={20} required defaultValue={String(p.max_attempts)} /></label>
          <div class="actions"><button type="submit" class="primary">{t('save')}</button></div>
        </form>
      )}</Show>
      {outcome}
    </section>
  );
}

function MessagePolicy() {
  const session = useSession();
  const { t } = useAdminI18n();
  const api = session.client.api;
  const [loaded, reload] = useLoad<MessagePolicy>(() => api.call('admin.messagePolicy.get'), '');
  const [run, outcome] = useOutcome();
  const save = (e: Event) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget as HTMLFormElement);
    run(api.call('admin.messagePolicy.set', { recall_window: Number(data.get('recall')), edit_window: Number(data.get('edit')) }), reload);
  };
  return (
    <section class="admin-card message-policy">
      <h4>{t('messagePolicy')}</h4>
      <Show loaded={loaded} retry={reload}>{(p) => (
        <form class="admin-form" onSubmit={save}>
          <label>{t('recallWindow')}<input name="recall" type="number" min={0} max={31_536_000} required defaultValue={String(p.recall_window)} /></label>
          <label>{t('editWindow')}<input name="edit" type="number" min={0} max={31_536_000} required defaultValue={String(p.edit_window)} /></label>
          <div class="actions"><button type="submit" class="primary">{t('save')}</button></div>
        </form>
      )}</Show>
      {outcome}
    </section>
  );
}

function FileRules() {
  const session = useSession();
  const { t } = useAdminI18n();
  const [loaded, reload] = useLoad<FileRule[]>(() => session.client.api.call('admin.filePolicy.list'), '');
  return (
    <section class="admin-card file-rules">
      <h4>{t('filePolicy')}</h4>
      <Show loaded={loaded} retry={reload}>{(rules) => (rules.length ? (
        <ul class="admin-list">
          {rules.map((r) => (
            <li key={`${r.scope}:${r.target_id}`} class="user-row">
              <span><b>{t(`ruleScope_${r.scope}` as AdminKey)} #{r.target_id}</b>
                <span class="muted-text"> {r.max_bytes !== null ? `≤ ${Math.round(r.max_bytes / 1048576)} MB` : ''}
                  {r.allowed ? ` · ${t('allowedTypes')}: ${r.allowed.join(' ')}` : ''}{r.blocked ? ` · ${t('blockedTypes')}: ${r.blocked.join(' ')}` : ''}</span></span>
            </li>
          ))}
        </ul>
      ) : <p class="muted-text">{t('nothing')}</p>)}</Show>
    </section>
  );
}
