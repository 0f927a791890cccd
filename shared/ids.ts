import { randomBytes } from 'node:crypto';

/** URL-safe random id; 16 bytes give 128 bits, enough for tokens and session ids. */
export function randomId(bytes = 16): string {
  return randomBytes(bytes).toString('base64url');
}
