import { AppError } from '../../shared/errors.js';
import type { UserView } from '../../shared/protocol/types.js';
import type { Actor } from '../actor.js';
import type { Store } from '../ports.js';
import { userView } from '../presenters.js';
import type { Static } from '@sinclair/typebox';
import type { UserListParams } from './operations.js';

/** What any signed-in user may see of other users (the full directory is its own service). */
export class UserService {
  constructor(private readonly store: Store) {}

  async me(actor: Actor): Promise<UserView> {
    const u = await this.store.users.byId(actor.userId);
    if (!u) throw new AppError('SB_NOT_FOUND');
    return userView(u);
  }

  async get(_actor: Actor, p: { user_id: number }): Promise<UserView> {
    const u = await this.store.users.byId(p.user_id);
    if (!u) throw new AppError('SB_NOT_FOUND', 'No such user');
    return userView(u);
  }

  async list(_actor: Actor, p: Static<typeof UserListParams>): Promise<UserView[]> {
    const users = await this.store.users.list({ afterId: p.after, limit: p.limit ?? 100, query: p.q });
    return users.map(userView);
  }
}
