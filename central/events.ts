import type { EventSink } from '../core/ports.js';
import type { Bus } from '../shared/bus/bus.js';
import type { ServerEvent } from '../shared/protocol/types.js';
import { SUBJECTS } from '../shared/subjects.js';

import type { EventEnvelope } from '../shared/protocol/wire.js';

/** What travels on `sb.events` (relays deliver `event` to local sockets of `recipients`): see shared/protocol/wire.ts. */
export type { EventEnvelope };

/** Central's emit point: publishes after commit; relays fan out. */
export class BusEventSink implements EventSink {
  constructor(private readonly bus: Bus) {}

  emit(event: ServerEvent, recipients: number[] | '*'): void {
    if (recipients !== '*' && recipients.length === 0) return;
    this.bus.publish(SUBJECTS.events, { kind: 'event', recipients, event } satisfies EventEnvelope);
  }

  sessionsEnded(sessionIds: string[], reason: string): void {
    this.bus.publish(SUBJECTS.events, { kind: 'sessions_ended', session_ids: sessionIds, reason } satisfies EventEnvelope);
  }
}
