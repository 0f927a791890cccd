import { Type } from '@sinclair/typebox';
import { LoginEventSchema, LoginResultCodeSchema, OnlineViewSchema } from '../../shared/protocol/signin-schemas.js';
import { op } from '../operation.js';

const Int1 = Type.Integer({ minimum: 1 });
const Time = Type.Integer({ minimum: 0, description: 'milliseconds since the epoch' });

export const LoginLogParams = Type.Object({
  user_id: Type.Optional(Int1),
  account: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'as typed at sign-in, also for accounts that do not exist' })),
  dept_id: Type.Optional(Type.Integer({ minimum: 1, description: 'people in this department and below' })),
  result: Type.Optional(LoginResultCodeSchema),
  since: Type.Optional(Time),
  until: Type.Optional(Time),
  before: Type.Optional(Type.Integer({ minimum: 1, description: 'entry id: the page after this one' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, description: 'default 100' })),
});

export const OnlineParams = Type.Object({
  dept_id: Type.Optional(Type.Integer({ minimum: 1, description: 'people in this department and below' })),
  hours: Type.Optional(Type.Integer({ minimum: 1, maximum: 24 * 31, description: 'history of the online count, default 24 h' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 5000, description: 'people listed, default 200' })),
});

const dept = (p: { dept_id?: number }) => ({ deptIds: p.dept_id === undefined ? [] : [p.dept_id] });

/** The login log (登录流水) and the online list (在线列表). */
export const signinsOperations = {
  'admin.loginLog': op({
    http: ['GET', '/api/v1/admin/login-log'], auth: 'admin', permission: 'security', summary: 'Every sign-in attempt (time, address, device, result), newest first, in my scope',
    params: LoginLogParams, result: Type.Array(LoginEventSchema),
    scope: (p) => ({ ...dept(p), userIds: p.user_id === undefined ? [] : [p.user_id] }),
    handler: (s, a, p) => s.signins.loginLog(a, p),
  }),
  'admin.online': op({
    http: ['GET', '/api/v1/admin/online'], auth: 'admin', permission: 'devices', summary: 'Who is online now by device type, in my scope, and the online count over time',
    params: OnlineParams, result: OnlineViewSchema,
    scope: dept,
    handler: (s, a, p) => s.signins.online(a, p),
  }),
};
