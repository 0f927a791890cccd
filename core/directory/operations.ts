import { Type, type Static } from '@sinclair/typebox';
import {
  ConfidentialFieldSchema, DeletedSchema, DirDeltaSchema, DirDeptSchema, DirOrgSchema, DirPersonSchema, DirPolicySchema, DirProfileSchema, FileSchema, OneOf,
  PersonStatusSchema,
} from '../../shared/protocol/schemas.js';
import { Account } from '../admin/operations.js';
import { op } from '../operation.js';
import { UserId } from '../users/operations.js';

const Id = Type.Integer({ minimum: 1 });
const Name = Type.String({ minLength: 1, maxLength: 100 });
const Sort = Type.Optional(Type.Integer({ description: 'order among siblings, ascending' }));
const Field = (maxLength: number) => Type.Optional(Type.String({ maxLength }));

/** A person's fields as an administrator writes them; `depts` replaces the memberships. */
const personFields = {
  name: Type.Optional(Name),
  english_name: Field(100), gender: Type.Optional(Type.String({ maxLength: 8, description: 'male, female or empty' })), mobile: Field(32), phone: Field(32),
  email: Field(200), title: Field(100), employee_no: Field(64), avatar: Field(500),
  status: Type.Optional(PersonStatusSchema),
  depts: Type.Optional(Type.Array(Type.Union([
    Id,
    Type.Object({ dept_id: Id, title: Type.Optional(Type.String({ maxLength: 100 })), sort: Type.Optional(Type.Integer()) }),
  ]), { maxItems: 100, description: 'department ids, or {dept_id, title, sort}' })),
};
export const PersonCreateParams = Type.Object({ account: Account, ...personFields });
export const PersonUpdateParams = Type.Object({ person_id: Id, ...personFields });
export type PersonFields = Static<typeof PersonUpdateParams>;

const deptsOf = (p: { depts?: (number | { dept_id: number })[] }) => (p.depts ?? []).map((d) => (typeof d === 'number' ? d : d.dept_id));

const DirOrgListSchema = Type.Object({ version: Type.Integer(), orgs: Type.Array(Type.Composite([DirOrgSchema, Type.Object({ roots: Type.Array(DirDeptSchema) })])) }, { $id: 'DirOrgList' });
const DirSearchSchema = Type.Object({
  version: Type.Integer(),
  results: Type.Array(Type.Object({ person: DirPersonSchema, matched: Type.String(), depts: Type.Array(Type.String()) })),
}, { $id: 'DirSearch' });
const DirDeptViewSchema = Type.Object({
  dept: DirDeptSchema, path: Type.String(), children: Type.Array(DirDeptSchema), members: Type.Array(DirPersonSchema), more: Type.Boolean(),
}, { $id: 'DirDeptView' });
const ImportReportSchema = Type.Object({
  dry_run: Type.Boolean(), ok: Type.Boolean(), format: Type.String(), version: Type.Integer(),
  issues: Type.Array(Type.Object({ line: Type.Integer(), reason: Type.String() })),
  summary: Type.Object({
    depts_created: Type.Integer(), depts_updated: Type.Integer(), depts_deleted: Type.Integer(),
    people_created: Type.Integer(), people_updated: Type.Integer(), unchanged: Type.Integer(),
  }),
}, { $id: 'ImportReport' });

/** What every employee reads of the directory. */
const reading = {
  'dir.orgs': op({
    http: ['GET', '/api/v1/directory/orgs'], auth: 'user', summary: 'The org structures and their top-level departments', params: Type.Object({}), result: DirOrgListSchema,
    handler: (s, a) => s.directory.orgs(a),
  }),
  'dir.changes': op({
    http: ['GET', '/api/v1/directory/changes'], auth: 'user', summary: 'Directory changes after a version (or reset: fetch the snapshot again)',
    params: Type.Object({ since: Type.Integer({ minimum: 0, description: 'the version I hold' }) }), result: DirDeltaSchema,
    handler: (s, a, p) => s.directory.changes(a, p),
  }),
  'dir.search': op({
    http: ['GET', '/api/v1/directory/search'], auth: 'user', summary: 'Search people by name, account, pinyin, initials, mobile, email or department',
    params: Type.Object({ q: Type.String({ minLength: 1, maxLength: 100 }), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, description: 'default 20' })) }),
    result: DirSearchSchema,
    handler: (s, a, p) => s.directory.search(a, p),
  }),
  'dir.person': op({
    http: ['GET', '/api/v1/directory/people/:person_id'], auth: 'user', summary: 'One person (confidential fields masked unless mine or in my admin scope)',
    params: Type.Object({ person_id: Id }), result: DirProfileSchema,
    handler: (s, a, p) => s.directory.person(a, p),
  }),
  'dir.dept': op({
    http: ['GET', '/api/v1/directory/depts/:dept_id'], auth: 'user', summary: 'A department with its sub-departments and a page of its members',
    params: Type.Object({
      dept_id: Id,
      offset: Type.Optional(Type.Integer({ minimum: 0, description: 'members to skip' })),
      limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 2000, description: 'members per page (default 500)' })),
    }),
    result: DirDeptViewSchema,
    handler: (s, a, p) => s.directory.dept(a, p),
  }),
  // Bus only: the snapshot is gzipped once at central and read in parts by the relay (GET /api/v1/directory/snapshot).
  'dir.snapshot.meta': op({
    http: null, auth: 'user', summary: 'Start a snapshot download', params: Type.Object({}),
    result: Type.Object({ key: Type.String(), version: Type.Integer(), size: Type.Integer(), part_bytes: Type.Integer() }),
    handler: (s, a) => s.directory.snapshotMeta(a),
  }),
  'dir.snapshot.part': op({
    http: null, auth: 'user', summary: 'One part of a snapshot, base64',
    params: Type.Object({ key: Type.String({ minLength: 1, maxLength: 200 }), offset: Type.Integer({ minimum: 0 }) }), result: Type.Object({ data: Type.String() }),
    handler: (s, a, p) => s.directory.snapshotPart(a, p),
  }),
};

/** Directory administration: an administrator with a scope acts only inside it. */
const administering = {
  'admin.dir.org.create': op({
    http: ['POST', '/api/v1/admin/directory/orgs'], auth: 'admin', permission: 'departments', summary: 'Create an org structure',
    params: Type.Object({ name: Name, sort: Sort }), result: DirOrgSchema,
    scope: () => ({ whole: true }), handler: (s, a, p) => s.directory.createOrg(a, p),
  }),
  'admin.dir.org.update': op({
    http: ['PATCH', '/api/v1/admin/directory/orgs/:org_id'], auth: 'admin', permission: 'departments', summary: 'Rename or reorder an org structure',
    params: Type.Object({ org_id: Id, name: Type.Optional(Name), sort: Sort }), result: DirOrgSchema,
    scope: () => ({ whole: true }), handler: (s, a, p) => s.directory.updateOrg(a, p),
  }),
  'admin.dir.org.delete': op({
    http: ['DELETE', '/api/v1/admin/directory/orgs/:org_id'], auth: 'admin', permission: 'departments', summary: 'Delete an org structure that has no departments',
    params: Type.Object({ org_id: Id }), result: DeletedSchema,
    scope: () => ({ whole: true }), handler: (s, a, p) => s.directory.deleteOrg(a, p),
  }),
  'admin.dir.dept.create': op({
    http: ['POST', '/api/v1/admin/directory/depts'], auth: 'admin', permission: 'departments', summary: 'Create a department',
    params: Type.Object({
      name: Name,
      parent_id: Type.Optional(Type.Union([Id, Type.Null()], { description: 'null for top level' })),
      org_id: Type.Optional(Type.Integer({ minimum: 1, description: 'for a top-level department (default 1)' })),
      sort: Sort,
    }),
    result: DirDeptSchema,
    scope: (p) => (typeof p.parent_id === 'number' ? { deptIds: [p.parent_id] } : { whole: true }),
    handler: (s, a, p) => s.directory.createDept(a, p),
  }),
  'admin.dir.dept.update': op({
    http: ['PATCH', '/api/v1/admin/directory/depts/:dept_id'], auth: 'admin', permission: 'departments', summary: 'Rename, move (parent_id) or reorder (sort) a department',
    params: Type.Object({ dept_id: Id, name: Type.Optional(Name), parent_id: Type.Optional(Type.Union([Id, Type.Null()], { description: 'new parent; null for top level' })), sort: Sort }),
    result: DirDeptSchema,
    scope: (p) => (p.parent_id === null ? { whole: true } : { deptIds: [p.dept_id, ...(p.parent_id === undefined ? [] : [p.parent_id])] }),
    handler: (s, a, p) => s.directory.updateDept(a, p),
  }),
  'admin.dir.dept.delete': op({
    http: ['DELETE', '/api/v1/admin/directory/depts/:dept_id'], auth: 'admin', permission: 'departments', summary: 'Delete an empty department, or move its members and sub-departments to move_to first',
    params: Type.Object({ dept_id: Id, move_to: Type.Optional(Type.Integer({ minimum: 1, description: 'department that receives members and sub-departments' })) }),
    result: Type.Object({ deleted: Type.Boolean(), moved_people: Type.Integer(), moved_depts: Type.Integer() }, { $id: 'DeptDeleted' }),
    scope: (p) => ({ deptIds: [p.dept_id, ...(p.move_to === undefined ? [] : [p.move_to])] }),
    handler: (s, a, p) => s.directory.deleteDept(a, p),
  }),
  'admin.dir.person.create': op({
    http: ['POST', '/api/v1/admin/directory/people'], auth: 'admin', permission: 'people', summary: 'Add a person (and their sign-in user, without a password)',
    params: PersonCreateParams, result: DirPersonSchema,
    // A person in no department is outside every scope.
    scope: (p) => (deptsOf(p).length ? { deptIds: deptsOf(p) } : { whole: true }),
    handler: (s, a, p) => s.directory.createPerson(a, p),
  }),
  'admin.dir.person.update': op({
    http: ['PATCH', '/api/v1/admin/directory/people/:person_id'], auth: 'admin', permission: 'people', summary: 'Change a person; depts replaces the memberships',
    params: PersonUpdateParams, result: DirPersonSchema,
    scope: (p) => ({ personIds: [p.person_id], deptIds: deptsOf(p) }),
    handler: (s, a, p) => s.directory.updatePerson(a, p),
  }),
  'admin.dir.person.delete': op({
    http: ['DELETE', '/api/v1/admin/directory/people/:person_id'], auth: 'admin', permission: 'people', summary: 'Remove a person from the directory',
    params: Type.Object({ person_id: Id }), result: DeletedSchema,
    scope: (p) => ({ personIds: [p.person_id] }), handler: (s, a, p) => s.directory.deletePerson(a, p),
  }),
  'admin.dir.policy.list': op({
    http: ['GET', '/api/v1/admin/directory/policies'], auth: 'admin', permission: 'security', summary: 'Confidentiality policies', params: Type.Object({}), result: Type.Array(DirPolicySchema),
    handler: (s, a) => s.directory.listPolicies(a),
  }),
  'admin.dir.policy.set': op({
    http: ['POST', '/api/v1/admin/directory/policies'], auth: 'admin', permission: 'security', summary: 'Make fields of a person or a department (and below) confidential',
    params: Type.Object({ target: OneOf(['person', 'dept']), target_id: Id, fields: Type.Array(ConfidentialFieldSchema, { minItems: 1 }) }), result: DirPolicySchema,
    scope: (p) => (p.target === 'person' ? { personIds: [p.target_id] } : { deptIds: [p.target_id] }),
    handler: (s, a, p) => s.directory.setPolicy(a, p),
  }),
  'admin.dir.policy.delete': op({
    http: ['DELETE', '/api/v1/admin/directory/policies/:policy_id'], auth: 'admin', permission: 'security', summary: 'Remove a confidentiality policy',
    params: Type.Object({ policy_id: Id }), result: DeletedSchema,
    scope: (p) => ({ policyIds: [p.policy_id] }), handler: (s, a, p) => s.directory.deletePolicy(a, p),
  }),
  'admin.dir.scope.set': op({
    http: ['PUT', '/api/v1/admin/directory/scopes/:user_id'], auth: 'admin', permission: 'people', summary: 'Limit an administrator to departments (and below): what they change, and whose confidential fields they see (empty: all)',
    params: Type.Object({ user_id: UserId, dept_ids: Type.Array(Id) }), result: Type.Object({ user_id: Type.Integer(), dept_ids: Type.Array(Type.Integer()) }, { $id: 'DirScope' }),
    scope: (p) => ({ userIds: [p.user_id], deptIds: p.dept_ids }), handler: (s, a, p) => s.directory.setScope(a, p),
  }),
  'admin.dir.import': op({
    http: ['POST', '/api/v1/admin/directory/import'], auth: 'admin', permission: ['people', 'departments'], summary: 'Import a whole org from an uploaded file (all or nothing; idempotent)', timeoutMs: 300_000,
    params: Type.Object({
      file_id: Type.Integer({ minimum: 1, description: 'uploaded with POST /api/v1/files' }),
      format: Type.Optional(OneOf(['csv', 'xlsx', 'rtx'], { description: 'default csv' })),
      dry_run: Type.Optional(Type.Boolean({ description: 'only report' })),
      org_id: Type.Optional(Type.Integer({ minimum: 1, description: 'default 1' })),
    }),
    result: ImportReportSchema,
    scope: () => ({ whole: true }), handler: (s, a, p) => s.directory.importOrg(a, p),
  }),
  'admin.dir.export': op({
    http: ['POST', '/api/v1/admin/directory/export'], auth: 'admin', permission: 'people', summary: 'Export an org to a file (download it with GET /api/v1/files/:id); masked outside my scope', timeoutMs: 120_000,
    params: Type.Object({ format: Type.Optional(OneOf(['csv', 'xlsx'], { description: 'default csv' })), org_id: Type.Optional(Type.Integer({ minimum: 1, description: 'default 1' })) }),
    result: Type.Composite([FileSchema, Type.Object({ version: Type.Integer() })], { $id: 'ExportFile' }),
    handler: (s, a, p) => s.directory.exportOrg(a, p),
  }),
};

export const directoryOperations = { ...reading, ...administering };
