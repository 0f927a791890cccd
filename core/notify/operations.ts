import { NotifySettingsSchema } from '../../shared/protocol/schemas.js';
import { Type } from '@sinclair/typebox';
import { op } from '../operation.js';

/** My notification settings: quiet hours, breakthroughs, sound (core/notify/service.ts). */
export const notifyOperations = {
  'notify.get': op({
    http: ['GET', '/api/v1/me/notify-settings'], auth: 'user', summary: 'My notification settings (quiet hours, breakthroughs, sound); defaults until set',
    params: Type.Object({}), result: NotifySettingsSchema,
    handler: (s, a) => s.notify.get(a),
  }),
  'notify.set': op({
    http: ['PUT', '/api/v1/me/notify-settings'], auth: 'user', summary: 'Replace my notification settings; my other devices get them at once',
    params: NotifySettingsSchema, result: NotifySettingsSchema,
    handler: (s, a, p) => s.notify.set(a, p),
  }),
};
