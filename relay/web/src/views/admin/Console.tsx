import type { ComponentType } from 'preact';
import { useAdminI18n, type AdminKey } from './text.js';
import { People } from './People.js';
import { LoginLog } from './LoginLog.js';
import { Online } from './Online.js';
import { Audit } from './Audit.js';
import { Devices } from './Devices.js';
import { Security } from './Security.js';
import { Admins } from './Admins.js';
import { Directory } from './Directory.js';

const SECTIONS: readonly { id: string; label: AdminKey; view: ComponentType }[] = [
  { id: 'people', label: 'secPeople', view: People },
  { id: 'logins', label: 'secLogins', view: LoginLog },
  { id: 'online', label: 'secOnline', view: Online },
  { id: 'audit', label: 'secAudit', view: Audit },
  { id: 'devices', label: 'secDevices', view: Devices },
  { id: 'directory', label: 'secDirectory', view: Directory },
  { id: 'security', label: 'secSecurity', view: Security },
  { id: 'admins', label: 'secAdmins', view: Admins },
];

/**
 * 管理后台: the section list and the open section. Each section calls the same operations as the command-line
 * tool; what the administrator's grants allow is decided by the server, and a refusal is shown in words.
 */
export function Console({ section }: { section: string }) {
  const { t } = useAdminI18n();
  const current = SECTIONS.find((s) => s.id === section) ?? SECTIONS[0]!;
  const View = current.view;
  return (
    <div class="panel admin-console" data-section={current.id}>
      <header class="chat-head">
        <a class="icon-btn back" href="#/chats" aria-label={t('back')}>‹</a>
        <h2>{t('adminConsole')}</h2>
      </header>
      <div class="admin-layout">
        <nav class="admin-nav" aria-label={t('adminConsole')}>
          {SECTIONS.map((s) => (
            <a key={s.id} href={`#/admin/${s.id}`} class={s === current ? 'on' : ''} aria-current={s === current ? 'page' : undefined}>{t(s.label)}</a>
          ))}
        </nav>
        <section class="admin-body" aria-labelledby="admin-title">
          <h3 id="admin-title">{t(current.label)}</h3>
          <View key={current.id} />
        </section>
      </div>
    </div>
  );
}
