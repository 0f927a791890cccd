/** Who is acting: resolved from a session token by the relay, trusted by central. */
export interface Actor {
  userId: number;
  sessionId: string;
}
