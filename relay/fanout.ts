import { CLOSE } from '../shared/protocol/frames.js';
import type { EventEnvelope } from '../shared/protocol/wire.js';
import { pushText, type SocketRegistry } from './sessions.js';

export interface FanOutDeps {
  sockets: SocketRegistry;
  /** Ended sessions: their tokens are forgotten here before their sockets close. */
  forgetSessions(ids: string[]): void;
  dropGrants(userIds: number[]): void;
  /** Files closed to a conversation: nobody's grant of them is kept. */
  dropFileGrants(fileIds: number[]): void;
  /** A central just started and asks whom this relay holds. */
  reannounced(): void;
}

/**
 * Delivers what central publishes for this relay: events to the local sockets of their recipients (serialised
 * once, the same bytes to every socket), and control messages. This relay's own subject carries events for the
 * people here; the broadcast subject carries organisation-wide events and control messages.
 */
export function fanOut(deps: FanOutDeps): (env: EventEnvelope) => void {
  const { sockets } = deps;
  return (env) => {
    switch (env.kind) {
      case 'event': {
        if (env.recipients === '*') {
          const text = JSON.stringify({ t: 'event', event: env.event });
          for (const ws of sockets.every()) pushText(ws, text);
          return;
        }
        let text: string | null = null;
        for (const userId of env.recipients) {
          for (const ws of sockets.ofUser(userId)) {
            text ??= JSON.stringify({ t: 'event', event: env.event });
            pushText(ws, text);
          }
        }
        return;
      }
      case 'sessions_ended':
        deps.forgetSessions(env.session_ids);
        for (const sid of env.session_ids) {
          for (const ws of sockets.ofSession(sid)) if (!ws.getUserData().closed) ws.end(env.reason === 'wiped' ? CLOSE.WIPED : CLOSE.SESSION_ENDED, env.reason);
        }
        return;
      case 'access_revoked':
        deps.dropGrants(env.user_ids);
        return;
      case 'files_revoked':
        deps.dropFileGrants(env.file_ids);
        return;
      case 'reannounce':
        deps.reannounced();
    }
  };
}
