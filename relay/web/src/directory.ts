import type { ApiClient } from '../../../shared/sdk/api.js';
import type { UserView } from '../../../shared/protocol/types.js';

/** One person as the directory view shows them; fields the viewer may not see arrive masked. */
export interface Person {
  id: number;
  name: string;
  account: string;
  department?: string;
  title?: string;
  email?: string;
  phone?: string;
  disabled?: boolean;
}

export interface Department {
  id: number;
  name: string;
  children: Department[];
}

/**
 * Where the directory view gets its people. The user list is what every
 * server has; an organisation directory (departments, pinyin search,
 * confidential fields) plugs in behind the same interface.
 */
export interface DirectorySource {
  /** Departments as a tree; empty when the server has none. */
  tree(): Promise<Department[]>;
  search(query: string, departmentId?: number): Promise<Person[]>;
  person(id: number): Promise<Person>;
}

const fromUser = (u: UserView): Person => ({ id: u.id, name: u.name, account: u.account, disabled: u.disabled });

export class UserListDirectory implements DirectorySource {
  constructor(private readonly api: ApiClient) {}

  async tree(): Promise<Department[]> { return []; }

  async search(query: string): Promise<Person[]> {
    const q = query.trim();
    const list = await this.api.call<UserView[]>('users.list', q ? { q, limit: 200 } : { limit: 200 });
    return list.filter((u) => !u.disabled).map(fromUser);
  }

  async person(id: number): Promise<Person> {
    return fromUser(await this.api.call<UserView>('users.get', { user_id: id }));
  }
}
