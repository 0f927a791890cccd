import { ApiClient } from '../../shared/sdk/api.js';
import type { DirPerson } from '../../shared/protocol/directory.js';
import { signIn } from './server.js';

export interface OrgPerson { person: DirPerson; userId: number; api: ApiClient }

/** A person in departments, with a password, signed in: someone who may become an administrator. */
export async function orgPerson(server: { url: string; admin: ApiClient }, account: string, deptIds: number[]): Promise<OrgPerson> {
  const person = await server.admin.call('admin.dir.person.create', { account, name: `${account}-名`, depts: deptIds });
  const password = `${account}-password-1`;
  await server.admin.call('admin.users.password', { user_id: person.user_id!, password });
  return { person, userId: person.user_id!, api: new ApiClient(server.url, await signIn(server.url, account, password)) };
}

/** The coded error a call fails with, or 'ok'. */
export async function outcome(p: Promise<unknown>): Promise<string> {
  try { await p; return 'ok'; } catch (e) { return (e as { code?: string }).code ?? String(e); }
}
