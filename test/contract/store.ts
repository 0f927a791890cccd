import type { Test } from 'tap';
import type { StoreHarness } from './store/harness.js';
import { usersContract } from './store/users.js';
import { sessionsContract } from './store/sessions.js';
import { conversationsContract } from './store/conversations.js';
import { filesContract } from './store/files.js';
import { auditContract } from './store/audit.js';
import { concurrencyContract } from './store/concurrency.js';
import { groupsContract } from './store/groups.js';
import { loginLogContract } from './store/login-log.js';
import { mentionsContract } from './store/mentions.js';
import { favouritesContract } from './store/favourites.js';
import { broadcastsContract } from './store/broadcasts.js';
import { messageActionsContract } from './store/message-actions.js';
import { fileThumbsContract } from './store/file-thumbs.js';
import { fileRulesContract } from './store/file-rules.js';
import { rolesContract } from './store/roles.js';
import { credentialsContract } from './store/credentials.js';
import { loginPolicyContract } from './store/login-policy.js';
import { devicesContract } from './store/devices.js';
import { atRestContract } from './store/at-rest.js';

export type { StoreHarness } from './store/harness.js';

/**
 * The Store contract: every store (SQLite, MySQL/MariaDB) must pass it. The
 * suite shares one database per run, so each case makes its own users and
 * conversations and never assumes an empty table. One part per sub-store, in store/.
 */
export function storeContract(t: Test, harness: () => Promise<StoreHarness>): void {
  let h: StoreHarness;
  t.before(async () => { h = await harness(); });
  const current = () => h;
  usersContract(t, current);
  sessionsContract(t, current);
  conversationsContract(t, current);
  filesContract(t, current);
  auditContract(t, current);
  concurrencyContract(t, current);
  groupsContract(t, current);
  loginLogContract(t, current);
  mentionsContract(t, current);
  favouritesContract(t, current);
  broadcastsContract(t, current);
  messageActionsContract(t, current);
  fileThumbsContract(t, current);
  fileRulesContract(t, current);
  credentialsContract(t, current);
  loginPolicyContract(t, current);
  rolesContract(t, current);
  devicesContract(t, current);
  atRestContract(t, current);
}
