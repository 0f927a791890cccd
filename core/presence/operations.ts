import { Type, type Static } from '@sinclair/typebox';
import { OneOf, PresenceSchema } from '../../shared/protocol/schemas.js';
import { op } from '../operation.js';
import type { Services } from '../services.js';

const ReportParams = Type.Object({
  relay: Type.String({ minLength: 1, maxLength: 64 }),
  entries: Type.Array(Type.Object({ token: Type.Optional(Type.Unknown()), status: OneOf(['online', 'away', 'offline']) })),
});

/**
 * A relay's presence report with each entry's token verified here: whose presence it is comes from the
 * session, never from the relay. Entries whose token no longer verifies are dropped (their entry expires).
 */
async function verifiedReport(s: Services, p: Static<typeof ReportParams>) {
  const entries = await Promise.all(p.entries.slice(0, 10_000).map(async ({ token, status }) => {
    const session = await s.auth.resolve(token).catch(() => null); // unverifiable: the entry is dropped, not trusted
    return session ? { user_id: session.userId, session_id: session.sessionId, status } : null;
  }));
  return s.presence.report(p.relay, entries.filter((e) => e !== null));
}

/** Who is online. */
export const presenceOperations = {
  'presence.query': op({
    http: ['GET', '/api/v1/presence'], auth: 'user', summary: 'Online / away / offline and live device types of up to 500 users',
    params: Type.Object({ user_ids: Type.Array(Type.Integer({ minimum: 1 }), { minItems: 1, maxItems: 500, description: 'comma-separated in a query string' }) }),
    result: Type.Array(PresenceSchema),
    handler: (s, a, p) => s.presence.query(a, p),
  }),
  // Bus only: a relay reports the connections it holds (see relay/presence.ts).
  'presence.report': op({
    http: null, auth: 'none', summary: 'A relay reports connections opening, changing or closing',
    params: ReportParams, result: Type.Object({ ok: Type.Literal(true) }),
    handler: (s, _a, p) => verifiedReport(s, p),
  }),
};
