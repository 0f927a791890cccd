import t from 'tap';
import { OPERATIONS, OPERATION_LIST } from '../../core/operations.js';
import { checkParams } from '../../core/params.js';
import { AppError } from '../../shared/errors.js';

const refusal = (name: keyof typeof OPERATIONS, params: unknown) => {
  try {
    checkParams(OPERATIONS[name].params, params);
    return null;
  } catch (e) {
    return e instanceof AppError ? { code: e.code, message: e.message, details: e.details } : e;
  }
};

t.test('well-typed params pass untouched: the hot path is one compiled check', async (t) => {
  const params = { conv_id: 3, cmid: 'c-1', body: { text: 'hi' } };
  t.equal(checkParams(OPERATIONS['msg.send'].params, params), params, 'the same object, not a copy');
});

t.test('refusals are SB_VALIDATION naming the field, as the services\' own checks name it', async (t) => {
  t.same(refusal('msg.send', { conv_id: 'abc', cmid: 'c', body: { text: 'x' } }), { code: 'SB_VALIDATION', message: 'conv_id: must be an integer', details: { field: 'conv_id', why: 'must be an integer' } });
  t.same(refusal('msg.send', { conv_id: 1, cmid: 'has spaces', body: { text: 'x' } }), { code: 'SB_VALIDATION', message: 'cmid: has an invalid format', details: { field: 'cmid', why: 'has an invalid format' } });
  t.match(refusal('msg.send', { conv_id: 1, cmid: 'c' }), { details: { field: 'body', why: 'is required' } });
  t.match(refusal('msg.send', { conv_id: 1, cmid: 'c', body: { file_id: 'x' } }), { details: { field: 'body.file_id' } }, 'the shape meant names the field');
  t.match(refusal('conv.group', { member_ids: [2, 'x'] }), { details: { field: 'member_ids[1]', why: 'must be an integer' } });
  t.match(refusal('conv.setRole', { conv_id: 1, user_id: 2, role: 'king' }), { details: { field: 'role', why: 'must be one of admin, member' } });
  t.match(refusal('msg.history', { conv_id: 1, limit: 100_000 }), { details: { field: 'limit', why: 'must be at most 200' } });
  t.match(refusal('auth.login', 'text'), { details: { field: 'params', why: 'must be an object' } });
  t.match(refusal('conv.mute', { conv_id: 1, muted: 'yes' }), { code: 'SB_VALIDATION', details: { field: 'muted' } });
});

t.test('text from a path or query string is read by the schema', async (t) => {
  t.same(checkParams(OPERATIONS['msg.history'].params, { conv_id: '7', after: '3', limit: '' }), { conv_id: 7, after: 3 }, 'digits are integers; an empty optional value is absent');
  t.same(checkParams(OPERATIONS['presence.query'].params, { user_ids: '1,2,3' }), { user_ids: [1, 2, 3] }, 'a comma list is a list');
  t.same(checkParams(OPERATIONS['admin.dir.dept.update'].params, { dept_id: '4', parent_id: '' }), { dept_id: 4, parent_id: null }, 'empty is null where null means something');
  t.same(checkParams(OPERATIONS['admin.dir.import'].params, { file_id: '2', dry_run: 'true' }), { file_id: 2, dry_run: true });
  t.match(refusal('conv.rename', { conv_id: 1, title: 5 }), { details: { field: 'title', why: 'must be a string' } }, 'numbers do not become strings');
});

t.test('every params schema is a plain object the check can read (no allOf from overlapping composites)', async (t) => {
  for (const [name, op] of OPERATION_LIST) {
    t.equal((op.params as { type?: string }).type, 'object', `${name} takes an object`);
    t.notOk(JSON.stringify(op.params).includes('allOf'), `${name} has no allOf`);
  }
});
