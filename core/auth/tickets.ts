import { AppError } from '../../shared/errors.js';
import type { Cache } from '../../shared/cache/cache.js';
import { hashToken } from '../../shared/crypto.js';
import { randomId } from '../../shared/ids.js';
import type { DeviceType } from '../../shared/protocol/types.js';
import { createLogger } from '../../shared/log.js';

const log = createLogger('auth');

/** The sign-in attempt a ticket continues: where the session it ends in will say it came from. */
export interface Attempt {
  account: string;
  ip: string | null;
  device_type: DeviceType;
  device_name: string;
  /** The client's own id for the device (one is made up for clients that send none). */
  device_id: string;
}

export interface PendingSignIn {
  user_id: number;
  step: 'password' | 'totp_setup' | 'approval';
  attempt: Attempt;
  /** For totp_setup: the secret shown with the ticket, enabled once a code from it is right. */
  secret?: string;
}

const TICKET_MS = 10 * 60_000;
const MISSES = 5;
const key = (ticket: string) => `signin-ticket:${hashToken(ticket)}`;

/**
 * Sign-in steps between the password and the session (a new password, a new authenticator): a random ticket
 * kept only as its hash in the cache for ten minutes, used once, and dropped after five wrong codes.
 */
export class SignInTickets {
  constructor(private readonly cache: Cache) {}

  async issue(pending: PendingSignIn): Promise<string> {
    const ticket = randomId(32);
    try {
      await this.cache.set(key(ticket), JSON.stringify(pending), TICKET_MS);
    } catch {
      throw new AppError('SB_CENTRAL_UNAVAILABLE', 'The sign-in step cannot be kept right now; try again shortly');
    }
    return ticket;
  }

  async read(ticket: string): Promise<PendingSignIn | null> {
    const text = await this.cache.get(key(ticket)).catch((err: unknown) => {
      // Treated as expired: the person signs in again.
      log.warn({ err }, 'sign-in: the cache could not be read for a sign-in ticket');
      return null;
    });
    return text ? JSON.parse(text) as PendingSignIn : null;
  }

  /** True only for the first caller: two requests with one ticket cannot both finish. */
  async consume(ticket: string): Promise<boolean> {
    const first = (await this.cache.incr(`${key(ticket)}:used`, TICKET_MS)) === 1;
    await this.cache.del(key(ticket));
    return first;
  }

  async countMiss(ticket: string): Promise<void> {
    if ((await this.cache.incr(`${key(ticket)}:misses`, TICKET_MS)) >= MISSES) await this.cache.del(key(ticket));
  }
}
