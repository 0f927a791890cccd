import type { Cache } from '../shared/cache/cache.js';
import type { Config } from '../shared/config.js';
import { AdminService } from './admin/service.js';
import { AuthService } from './auth/service.js';
import { MessagingService } from './messaging/service.js';
import { GroupsService } from './messaging/groups.js';
import type { BlobStore, Clock, EventSink, Store } from './ports.js';
import { FilesService } from './files/service.js';
import { PresenceService } from './presence/service.js';
import { RateLimiter } from './rate-limit.js';
import { UserService } from './users/service.js';
import { DirectoryService } from './directory/service.js';
import { RolesService } from './roles/service.js';
import { AuditReader } from './admin/audit-views.js';

export interface Services {
  auth: AuthService;
  users: UserService;
  messaging: MessagingService;
  admin: AdminService;
  files: FilesService;
  presence: PresenceService;
  directory: DirectoryService;
  groups: GroupsService;
  roles: RolesService;
  auditLog: AuditReader;
}

/** Builds the domain services over whatever ports the composition root chose. */
export function createServices(deps: { store: Store; blobs: BlobStore; cache: Cache; events: EventSink; clock: Clock; config: Config }): Services {
  const { store, blobs, cache, events, clock, config } = deps;
  const limiter = new RateLimiter(cache);
  const auth = new AuthService(store, cache, events, limiter, clock, {
    sessionTtlMs: config.sessions.ttlHours * 3_600_000,
    loginAttemptsPerMinute: config.limits.loginAttemptsPerMinute,
    loginFailuresPerIpPerMinute: config.limits.loginFailuresPerIpPerMinute,
    loginFailuresPerMinute: config.limits.loginFailuresPerMinute,
  });
  const files = new FilesService(store, blobs, clock, config.files);
  const messaging = new MessagingService(store, events, limiter, clock, config.limits, files);
  const users = new UserService(store);
  const directory = new DirectoryService(store, files, auth, events, clock, cache);
  const roles = new RolesService(store, directory, clock);
  const admin = new AdminService(store, auth, messaging, events, clock, roles, directory);
  const auditLog = new AuditReader(store, directory);
  const presence = new PresenceService(store, cache, events);
  const groups = new GroupsService(store, messaging, events, clock, config.limits);
  return { auth, users, messaging, admin, files, presence, directory, groups, roles, auditLog };
}
