import type { Cache } from '../shared/cache/cache.js';
import type { Config } from '../shared/config.js';
import { AdminService } from './admin/service.js';
import { AuthService } from './auth/service.js';
import { Credentials } from './auth/credentials.js';
import { SecondFactorService } from './auth/second-factor.js';
import { AccountAdmin } from './auth/account-admin.js';
import { LoginPolicyService } from './login-policy/service.js';
import { TypingService } from './messaging/typing.js';
import { FileLibraryService } from './files/library.js';
import type { ScopeRoots } from './roles/permissions.js';
import type { ScopeNames } from './operation.js';
import { MessagingService } from './messaging/service.js';
import { GroupsService } from './messaging/groups.js';
import { MentionsService } from './mentions/service.js';
import { MessageActionsService } from './messaging/actions.js';
import type { BlobStore, Clock, EventSink, Store, Thumbnailer } from './ports.js';
import { FilesService } from './files/service.js';
import { FileRulesService } from './files/rules.js';
import { PresenceService } from './presence/service.js';
import { RateLimiter } from './rate-limit.js';
import { UserService } from './users/service.js';
import { DirectoryService } from './directory/service.js';
import { SigninsService } from './signins/service.js';
import { FavouritesService } from './favourites/service.js';
import { NotifyService } from './notify/service.js';
import { BroadcastService } from './broadcasts/service.js';
import { SearchService } from './search/service.js';
import { RolesService } from './roles/service.js';
import { AuditReader } from './admin/audit-views.js';
import { DevicesService } from './devices/service.js';

export interface Services {
  auth: AuthService;
  loginPolicy: LoginPolicyService;
  typing: TypingService;
  fileLibrary: FileLibraryService;
  secondFactor: SecondFactorService;
  accountAdmin: AccountAdmin;
  users: UserService;
  messaging: MessagingService;
  admin: AdminService;
  files: FilesService;
  presence: PresenceService;
  directory: DirectoryService;
  groups: GroupsService;
  signins: SigninsService;
  mentions: MentionsService;
  favourites: FavouritesService;
  notify: NotifyService;
  broadcasts: BroadcastService;
  messageActions: MessageActionsService;
  fileRules: FileRulesService;
  search: SearchService;
  roles: RolesService;
  auditLog: AuditReader;
  devices: DevicesService;
}

/** Builds the domain services over whatever ports the composition root chose. */
export function createServices(deps: {
  store: Store; blobs: BlobStore; cache: Cache; events: EventSink; clock: Clock; config: Config;
  /** Without one, no file gets a thumbnail. */
  thumbnailer?: Thumbnailer | null;
}): Services {
  const { store, blobs, cache, events, clock, config } = deps;
  const limiter = new RateLimiter(cache);
  const credentials = new Credentials(store, clock);
  // The rules read the directory, which is built after the services it imports and exports through.
  let directory: DirectoryService | null = null;
  const directoryAccess = {
    current: () => directory!.current(),
    scopeCovers: (roots: ScopeRoots, names: ScopeNames) => directory!.scopeCovers(roots, names),
  };
  const loginPolicy = new LoginPolicyService(store, directoryAccess, events, clock);
  const auth = new AuthService(store, cache, events, limiter, clock, credentials, loginPolicy, {
    issuer: config.branding.productName,
    sessionTtlMs: config.sessions.ttlHours * 3_600_000,
    loginAttemptsPerMinute: config.limits.loginAttemptsPerMinute,
    loginFailuresPerIpPerMinute: config.limits.loginFailuresPerIpPerMinute,
    loginFailuresPerMinute: config.limits.loginFailuresPerMinute,
  });
  const fileRules = new FileRulesService(store, directoryAccess, clock, config.files);
  const files = new FilesService(store, blobs, clock, config.files, deps.thumbnailer ?? null, fileRules);
  const favourites = new FavouritesService(store, events, clock);
  const notify = new NotifyService(store, events, clock);
  // Sync also carries my own favourites and notification settings from the same durable position.
  const personal = async (userId: number, since: number) => ({
    ...(await favourites.changedSince(userId, since)), notify_settings: await notify.changedSince(userId, since),
  });
  const search = new SearchService(store);
  const messaging = new MessagingService(store, events, limiter, clock, config.limits, files, personal, search);
  const users = new UserService(store);
  const presence = new PresenceService(store, cache, events);
  directory = new DirectoryService(store, files, auth, events, clock, cache);
  const roles = new RolesService(store, directory, clock);
  const admin = new AdminService(store, auth, messaging, events, clock, roles, directory);
  const secondFactor = new SecondFactorService(store, auth, credentials, clock, config.branding.productName);
  const accountAdmin = new AccountAdmin(store, auth, credentials, directory, clock, (a, m) => admin.requireSuper(a, m));
  const auditLog = new AuditReader(store, directory);
  const groups = new GroupsService(store, messaging, events, clock, config.limits);
  const signins = new SigninsService(store, presence, directory, clock);
  const mentions = new MentionsService(store, messaging);
  const broadcasts = new BroadcastService(store, directory, files, events, clock, config.limits);
  const fileLibrary = new FileLibraryService(store, messaging);
  const typing = new TypingService(store, messaging, events, limiter, () => clock.now());
  const messageActions = new MessageActionsService(store, messaging, events, limiter, clock, config.limits, search);
  const devices = new DevicesService(store, auth, events, limiter, clock, directory);
  return {
    auth, loginPolicy, typing, fileLibrary, secondFactor, accountAdmin, users, messaging, admin, files, presence, directory, groups, signins, mentions, favourites, notify, broadcasts, messageActions,
    fileRules, search, roles, auditLog, devices,
  };
}
