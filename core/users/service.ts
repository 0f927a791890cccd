import { AppError } from '../../shared/errors.js';
import type { UserView } from '../../shared/protocol/types.js';
import type { Actor } from '../actor.js';
import type { Store } from '../ports.js';
import { userView } from '../presenters.js';
import { int, obj, optInt, optStr } from '../validate.js';

/** What any signed-in user may see of other users (the full directory is its own service). */
export class UserService {
  constructor(private readonly store: Store) {}

  async me(actor: Actor): Promise<UserView> {
    const u = await this.store.users.byId(actor.userId);
    if (!u) throw new AppError('SB_NOT_FOUND');
    return userView(u);
  }

  async get(_actor: Actor, params: unknown): Promise<UserView> {
    const u = await this.store.users.byId(int(obj(params).user_id, 'user_id', { min: 1 }));
    if (!u) throw new AppError('SB_NOT_FOUND', 'No such user');
    return userView(u);
  }

  async list(_actor: Actor, params: unknown): Promise<UserView[]> {
    const p = obj(params ?? {});
    const users = await this.store.users.list({
      afterId: optInt(p.after, 'after', { min: 0 }),
      limit: optInt(p.limit, 'limit', { min: 1, max: 500 }) ?? 100,
      query: optStr(p.q, 'q', { max: 100 }),
    });
    return users.map(userView);
  }
}
