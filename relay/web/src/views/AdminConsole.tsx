import { useEffect, useState } from 'preact/hooks';
import { useI18n, useSession, useStore } from '../context.js';
import { Logo } from '../components/Toolbar.js';

type ConsoleModule = typeof import('./admin/Console.js');

/**
 * 管理后台, loaded on first use (scripts/web-bundle.ts joins it into dist/console.js), so people who never open it
 * never download it. Someone who is not an administrator is told so and nothing is loaded; what an administrator
 * may do is the server's to decide, section by section.
 */
export function AdminConsole({ section }: { section: string }) {
  const session = useSession();
  const store = useStore();
  const { t } = useI18n();
  void session.rev.value;
  const isAdmin = session.client.user?.is_admin ?? false;
  const [mod, setMod] = useState<ConsoleModule | null>(store.adminConsole);
  const [failed, setFailed] = useState(false);
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    if (!isAdmin || mod) return;
    let live = true;
    setFailed(false);
    import('./admin/Console.js').then((m) => { store.adminConsole = m; if (live) setMod(m); }, () => { if (live) setFailed(true); });
    return () => { live = false; };
  }, [isAdmin, attempt]);
  if (mod && isAdmin) return <mod.Console section={section} />;
  const text = !session.client.user ? '' : !isAdmin ? t('adminOnly') : failed ? t('consoleLoadFailed') : '';
  return (
    <div class="empty admin-refusal">
      <Logo size={64} />
      <p role={isAdmin ? 'status' : 'alert'}>{text}</p>
      {failed ? <button type="button" onClick={() => setAttempt((n) => n + 1)}>↻</button> : null}
    </div>
  );
}
