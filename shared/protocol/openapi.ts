import { API, type Method } from './api.js';
import { ERRORS } from '../errors.js';

/** Generates the OpenAPI 3.1 document from the operation table (committed as docs/openapi.json). */
export function openApiDocument(version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [method, op] of Object.entries(API) as [Method, (typeof API)[Method]][]) {
    const [verb, path] = op.http;
    const oaPath = path.replace(/:(\w+)/g, '{$1}');
    const pathParams = [...path.matchAll(/:(\w+)/g)].map((m) => m[1]!);
    const declared: Record<string, string> = ('params' in op ? op.params : undefined) ?? {};
    const inQuery = verb === 'GET' || verb === 'DELETE';
    const parameters: unknown[] = pathParams.map((name) => ({ name, in: 'path', required: true, schema: { type: name.endsWith('_id') && name !== 'session_id' ? 'integer' : 'string' } }));
    const bodyProps: Record<string, unknown> = {};
    for (const [name, desc] of Object.entries(declared)) {
      const type = /\[(\w+)(\[\])?\]/.exec(desc);
      const schema = type ? (type[2] ? { type: 'array', items: { type: type[1] } } : { type: type[1] }) : {};
      if (inQuery) parameters.push({ name, in: 'query', required: false, description: desc, schema });
      else bodyProps[name] = { ...schema, description: desc };
    }
    const operation: Record<string, unknown> = {
      operationId: method,
      summary: op.summary,
      tags: [method.split('.')[0]],
      parameters,
      responses: {
        200: { description: 'OK', content: { 'application/json': { schema: { $ref: `#/components/schemas/${op.returns}` } } } },
        default: { description: 'Coded error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
      },
    };
    if (!inQuery) operation.requestBody = { content: { 'application/json': { schema: { type: 'object', properties: bodyProps } } } };
    if (op.auth !== 'none') operation.security = [{ bearer: [] }];
    (paths[oaPath] ??= {})[verb.toLowerCase()] = operation;
  }
  paths['/api/v1/files'] = {
    post: {
      operationId: 'files.upload', summary: 'Upload a file (raw bytes as the body); share it with msg.send body { file_id }', tags: ['files'],
      security: [{ bearer: [] }],
      parameters: [{ name: 'name', in: 'query', required: true, schema: { type: 'string' }, description: 'file name' }],
      requestBody: { content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } } },
      responses: { 200: { description: 'OK', content: { 'application/json': { schema: { $ref: '#/components/schemas/File' } } } }, default: { description: 'Coded error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } } },
    },
  };
  paths['/api/v1/files/{file_id}'] = {
    get: {
      operationId: 'files.download', summary: 'Download a file I uploaded or that was shared in one of my conversations (served from the relay cache)', tags: ['files'],
      security: [{ bearer: [] }],
      parameters: [{ name: 'file_id', in: 'path', required: true, schema: { type: 'integer' } }],
      responses: { 200: { description: 'The bytes', content: { '*/*': { schema: { type: 'string', format: 'binary' } } } }, default: { description: 'Coded error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } } },
    },
  };
  paths['/api/v1/directory/snapshot'] = {
    get: {
      operationId: 'dir.snapshot', summary: 'The whole directory as I may see it, at one version (sent gzip-compressed; ETag = version and view); then follow with dir.changes', tags: ['dir'],
      security: [{ bearer: [] }],
      parameters: [],
      responses: { 200: { description: 'OK', content: { 'application/json': { schema: { $ref: '#/components/schemas/DirSnapshot' } } } }, default: { description: 'Coded error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } } },
    },
  };
  const obj = (properties: Record<string, unknown>) => ({ type: 'object', properties });
  const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
  const list = (name: string) => ({ type: 'array', items: ref(name) });
  const int = { type: 'integer' };
  const text = { type: 'string' };
  return {
    openapi: '3.1.0',
    info: { title: 'Switchboard HTTP API', version, description: 'Data API served by every relay. Push travels over the WebSocket (docs/protocol.md).' },
    servers: [{ url: '/' }],
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'Session token from auth.login' } },
      schemas: {
        Error: obj({ error: obj({ code: { type: 'string', enum: Object.keys(ERRORS) }, message: text, details: {} }) }),
        Empty: obj({}),
        File: obj({ id: int, name: text, size: int, mime: text, sha256: text, created_at: int }),
        User: obj({ id: int, account: text, name: text, is_admin: { type: 'boolean' }, disabled: { type: 'boolean' }, created_at: int }),
        UserList: list('User'),
        Session: obj({ id: text, user_id: int, device_type: text, device_name: text, created_at: int, expires_at: int, last_seen_at: int, ip: { type: ['string', 'null'] } }),
        SessionList: list('Session'),
        LoginResult: obj({ token: text, session: ref('Session'), user: ref('User') }),
        Message: obj({ id: int, conv_id: int, seq: int, sender_id: int, cmid: text, kind: { type: 'string', enum: ['text', 'system'] }, body: { type: 'object' }, created_at: int }),
        Member: obj({ user_id: int, name: text, role: { type: 'string', enum: ['owner', 'admin', 'member'] }, read_seq: int }),
        Conversation: obj({
          id: int, kind: { type: 'string', enum: ['direct', 'group'] }, title: text, notice: text, owner_id: { type: ['integer', 'null'] }, last_seq: int,
          last_message: { oneOf: [ref('Message'), { type: 'null' }] }, created_at: int, members: list('Member'), read_seq: int, unread: int, muted: { type: 'boolean' },
        }),
        ConversationList: list('Conversation'),
        ConvId: obj({ conv_id: int }),
        HistoryPage: obj({ messages: list('Message'), more: { type: 'boolean' } }),
        ReadCursor: obj({ conv_id: int, read_seq: int }),
        SyncResult: obj({ pos: int, conversations: list('Conversation'), removed: { type: 'array', items: int } }),
        Presence: obj({ user_id: int, status: { type: 'string', enum: ['online', 'away', 'offline'] }, devices: { type: 'array', items: text } }),
        PresenceList: list('Presence'),
        Revoked: obj({ revoked: { type: 'boolean' } }),
        AuditEntry: obj({ id: int, actor_id: { type: ['integer', 'null'] }, action: text, target: text, details: {}, at: int }),
        AuditList: list('AuditEntry'),
        AuditVerify: obj({ ok: { type: 'boolean' }, rows: int, first_broken: obj({ id: int, reason: text }) }),
        Deleted: obj({ deleted: { type: 'boolean' } }),
        DeptDeleted: obj({ deleted: { type: 'boolean' }, moved_people: int, moved_depts: int }),
        DirOrg: obj({ id: int, name: text, sort: int }),
        DirOrgList: obj({ version: int, orgs: { type: 'array', items: obj({ id: int, name: text, sort: int, roots: list('DirDept') }) } }),
        DirDept: obj({ id: int, org_id: int, parent_id: { type: ['integer', 'null'] }, name: text, sort: int, ext_id: { type: ['string', 'null'] } }),
        DirPerson: obj({
          id: int, user_id: { type: ['integer', 'null'] }, account: text, name: text, english_name: text, gender: text, mobile: text, phone: text, email: text,
          title: text, employee_no: text, avatar: text, status: { type: 'string', enum: ['active', 'disabled', 'left'] },
          depts: { type: 'array', items: obj({ dept_id: int, title: text, sort: int }) },
        }),
        DirDeptView: obj({ dept: ref('DirDept'), path: text, children: list('DirDept'), members: list('DirPerson'), more: { type: 'boolean' } }),
        DirSnapshot: obj({ version: int, orgs: list('DirOrg'), depts: list('DirDept'), people: list('DirPerson') }),
        DirChange: obj({ op: { type: 'string', enum: ['org', 'org.delete', 'dept', 'dept.delete', 'person', 'person.delete'] }, id: int, org: ref('DirOrg'), dept: ref('DirDept'), person: ref('DirPerson') }),
        DirDelta: obj({ version: int, from: int, reset: { type: 'boolean' }, changes: list('DirChange') }),
        DirSearch: obj({ version: int, results: { type: 'array', items: obj({ person: ref('DirPerson'), matched: text, depts: { type: 'array', items: text } }) } }),
        DirPolicy: obj({ id: int, target: { type: 'string', enum: ['person', 'dept'] }, target_id: int, fields: { type: 'array', items: text } }),
        DirPolicyList: list('DirPolicy'),
        DirScope: obj({ user_id: int, dept_ids: { type: 'array', items: int } }),
        ImportReport: obj({
          dry_run: { type: 'boolean' }, ok: { type: 'boolean' }, format: text, version: int,
          issues: { type: 'array', items: obj({ line: int, reason: text }) },
          summary: obj({ depts_created: int, depts_updated: int, depts_deleted: int, people_created: int, people_updated: int, unchanged: int }),
        }),
        ExportFile: obj({ id: int, name: text, size: int, mime: text, sha256: text, created_at: int, version: int }),
      },
    },
  };
}
