import type { ServerEvent } from './types.js';

/**
 * What crosses the bus between relays and central, in one place.
 *
 * Trust: a relay is a branch-office machine that head office does not control. It forwards the client's
 * credential; central verifies it and derives the actor itself. Nothing a relay asserts about who acts is
 * believed.
 */

/** Who is acting, as central derived it from a verified credential. Never read from the wire. */
export interface Actor {
  userId: number;
  sessionId: string;
}

/** The client's credential as the relay received it (today: the bearer session token). */
export interface Credential {
  token: string;
}

/** A signed-in client as a relay knows it: who the token named when central last checked it, and the token to forward. */
export interface Caller extends Actor {
  credential: Credential;
}

/** A request from a relay to central on `sb.rpc.<method>`. */
export interface RpcRequest {
  /** Absent for operations that need no sign-in (auth.login, health.ping). */
  credential?: Credential;
  /** The client's address as the relay saw it (used for rate limits and the login log; advisory only). */
  ip?: string | null;
  params?: unknown;
  /** Correlates relay and central log lines for one client request. */
  request_id?: string;
}

/** One item of `msg.sendMany`: each carries its own credential and succeeds or fails on its own. */
export interface SendItem {
  credential?: Credential;
  params?: unknown;
  request_id?: string;
}

/**
 * What central publishes for relays: events to deliver (on one relay's subject, with the recipients it holds;
 * or `'*'` on the broadcast subject), and control messages on the broadcast subject.
 */
export type EventEnvelope =
  | { kind: 'event'; recipients: number[] | '*'; event: ServerEvent }
  | { kind: 'sessions_ended'; session_ids: string[]; reason: string }
  /** A central started: every relay reports the sessions it holds at once, so events find them again. */
  | { kind: 'reannounce' }
  /** These people lost access to something (removed from a conversation, left, disabled): relays drop their file grants. */
  | { kind: 'access_revoked'; user_ids: number[] }
  /** These files were closed to a conversation (a recalled message carried them): relays drop every grant of them. */
  | { kind: 'files_revoked'; file_ids: number[] };

/** Between central processes: what one of them learned from a presence report (`sb.central.whereabouts`). */
export interface WhereaboutsNote {
  from: string;
  entries: { user_id: number; session_id: string; relay: string; connected: boolean }[];
}
