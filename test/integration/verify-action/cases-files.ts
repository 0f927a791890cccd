import sharp from 'sharp';
import type { ApiClient } from '../../../shared/sdk/api.js';
import type { Person, Verifier } from './harness.js';

/**
 * Images and file-sending rules: an image message carries its shape in the event as in the history; setting
 * and removing a rule changes nothing anyone's state shows (no events, equal fetches), and a refused send
 * changes nothing either.
 */
export async function fileCases(v: Verifier, admin: ApiClient, sender: Person, to: Person, ctx: { personId: number; deptId: number }): Promise<void> {
  const conv = await sender.api.call('conv.direct', { user_id: to.user.id });
  const png = await sharp({ create: { width: 400, height: 300, channels: 3, background: '#3a7' } }).png().toBuffer();
  const image = await sender.api.upload('图.png', 'image/png', png);
  await v.verify('msg.send', 'an image, with its shape', () => sender.api.call('msg.send', { conv_id: conv.id, cmid: 'img-1', body: { file_id: image.id } }));
  await v.verify('admin.filePolicy.set', 'a department: 1 KB, no png', () => admin.call('admin.filePolicy.set', {
    scope: 'dept', target_id: ctx.deptId, max_bytes: 1024, blocked: ['png'],
  }));
  await v.verify('admin.filePolicy.set', 'a person: replaced', () => admin.call('admin.filePolicy.set', { scope: 'person', target_id: ctx.personId, blocked: ['exe'] }));
  await v.verify('msg.send', 'refused by the department\'s rule: nothing changes', async () => {
    const code = await sender.api.call('msg.send', { conv_id: conv.id, cmid: 'img-2', body: { file_id: image.id } }).then(() => 'sent', (e: { code?: string }) => e.code);
    if (code !== 'SB_FILE_RESTRICTED') throw new Error(`expected SB_FILE_RESTRICTED, got ${code}`);
  });
  await v.verify('admin.filePolicy.delete', 'the department\'s rule', () => admin.call('admin.filePolicy.delete', { scope: 'dept', target_id: ctx.deptId }));
  await admin.call('admin.filePolicy.delete', { scope: 'person', target_id: ctx.personId });
}
