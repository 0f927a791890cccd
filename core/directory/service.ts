import type { Cache } from '../../shared/cache/cache.js';
import type { AuthService } from '../auth/service.js';
import type { FilesService } from '../files/service.js';
import type { Clock, EventSink, Store } from '../ports.js';
import { DirectoryAdminWrites } from './admin-writes.js';
import { DirectoryImportExport } from './import-export.js';
import type { DirectoryModel } from './model.js';
import { DirectoryReads } from './reads.js';
import { DirectoryReplica } from './replica.js';
import { DirectorySnapshots } from './snapshots.js';

export { INLINE_CHANGES, MAX_DELTA_BYTES, MAX_DELTA_CHANGES, VERSION_CHECK_MS, VIEWER_TTL_MS } from './replica.js';
export { SNAPSHOT_PART_BYTES } from './snapshots.js';
export { exportDocument, type ImportReport } from './import-export.js';

/**
 * The organisation directory: departments in a tree per org, people in one or more departments,
 * confidentiality, search, snapshots and deltas, import and export. One face over its parts:
 * the replica (central's in-memory copy and the only way to commit), reads, snapshots,
 * administrators' writes, and import/export through the files service.
 */
export class DirectoryService {
  private readonly replica: DirectoryReplica;
  private readonly reads: DirectoryReads;
  private readonly snapshots: DirectorySnapshots;
  private readonly writes: DirectoryAdminWrites;
  private readonly transfer: DirectoryImportExport;

  constructor(store: Store, files: FilesService, auth: AuthService, events: EventSink, clock: Clock, cache: Cache) {
    this.replica = new DirectoryReplica(store, auth, events, clock);
    this.reads = new DirectoryReads(this.replica, store);
    this.snapshots = new DirectorySnapshots(this.replica, cache);
    this.writes = new DirectoryAdminWrites(this.replica, store);
    this.transfer = new DirectoryImportExport(this.replica, files);
  }

  /** The model, caught up with the store. */
  current(): Promise<DirectoryModel> { return this.replica.current(); }

  // ---- reads (every employee, as their view allows) and the policy gate's scope check ----
  scopeCovers: DirectoryReads['scopeCovers'] = (roots, names) => this.reads.scopeCovers(roots, names);
  scopeView: DirectoryReads['scopeView'] = (roots) => this.reads.scopeView(roots);
  usersInScope: DirectoryReads['usersInScope'] = (roots, deptId) => this.reads.usersInScope(roots, deptId);
  syncViewScope: DirectoryAdminWrites['syncViewScope'] = (userId, deptIds) => this.writes.syncViewScope(userId, deptIds);
  changes: DirectoryReads['changes'] = (actor, p) => this.reads.changes(actor, p);
  search: DirectoryReads['search'] = (actor, p) => this.reads.search(actor, p);
  person: DirectoryReads['person'] = (actor, p) => this.reads.person(actor, p);
  dept: DirectoryReads['dept'] = (actor, p) => this.reads.dept(actor, p);
  orgs: DirectoryReads['orgs'] = (actor) => this.reads.orgs(actor);

  // ---- snapshots ----
  snapshotMeta: DirectorySnapshots['snapshotMeta'] = (actor) => this.snapshots.snapshotMeta(actor);
  snapshotPart: DirectorySnapshots['snapshotPart'] = (actor, p) => this.snapshots.snapshotPart(actor, p);

  // ---- administration ----
  createOrg: DirectoryAdminWrites['createOrg'] = (actor, p) => this.writes.createOrg(actor, p);
  updateOrg: DirectoryAdminWrites['updateOrg'] = (actor, p) => this.writes.updateOrg(actor, p);
  deleteOrg: DirectoryAdminWrites['deleteOrg'] = (actor, p) => this.writes.deleteOrg(actor, p);
  createDept: DirectoryAdminWrites['createDept'] = (actor, p) => this.writes.createDept(actor, p);
  updateDept: DirectoryAdminWrites['updateDept'] = (actor, p) => this.writes.updateDept(actor, p);
  deleteDept: DirectoryAdminWrites['deleteDept'] = (actor, p) => this.writes.deleteDept(actor, p);
  createPerson: DirectoryAdminWrites['createPerson'] = (actor, p) => this.writes.createPerson(actor, p);
  updatePerson: DirectoryAdminWrites['updatePerson'] = (actor, p) => this.writes.updatePerson(actor, p);
  deletePerson: DirectoryAdminWrites['deletePerson'] = (actor, p) => this.writes.deletePerson(actor, p);
  listPolicies: DirectoryAdminWrites['listPolicies'] = (actor) => this.writes.listPolicies(actor);
  setPolicy: DirectoryAdminWrites['setPolicy'] = (actor, p) => this.writes.setPolicy(actor, p);
  deletePolicy: DirectoryAdminWrites['deletePolicy'] = (actor, p) => this.writes.deletePolicy(actor, p);
  setScope: DirectoryAdminWrites['setScope'] = (actor, p) => this.writes.setScope(actor, p);

  // ---- import and export ----
  importOrg: DirectoryImportExport['importOrg'] = (actor, p) => this.transfer.importOrg(actor, p);
  exportOrg: DirectoryImportExport['exportOrg'] = (actor, p) => this.transfer.exportOrg(actor, p);
}
