import { AppError } from '../shared/errors.js';

/**
 * Deeper than this, a frame or body is refused. Nothing in the protocol nests past a few levels, and every hop
 * serialises the value again: JSON.parse takes any depth, but JSON.stringify recurses, so a deep value overflowed
 * the stack on its way to central and failed the whole `msg.sendMany` batch it was in, other people's sends too.
 */
export const MAX_JSON_DEPTH = 32;

/** The JSON object in `text`, or SB_BAD_FRAME: not JSON, not an object, or nested past MAX_JSON_DEPTH. */
export function parseJsonObject(text: string, what: string): Record<string, unknown> {
  let parsed: unknown;
  try { parsed = JSON.parse(text); } catch { throw new AppError('SB_BAD_FRAME', `${what} is not valid JSON`); }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new AppError('SB_BAD_FRAME', `${what} must be a JSON object`);
  if (nestedDeeper(parsed, MAX_JSON_DEPTH)) throw new AppError('SB_BAD_FRAME', `${what} is nested deeper than ${MAX_JSON_DEPTH} levels`);
  return parsed as Record<string, unknown>;
}

/** Walks with its own stack, so that the check cannot overflow the one it protects. */
function nestedDeeper(root: object, max: number): boolean {
  const stack: [object, number][] = [[root, 1]];
  for (let top = stack.pop(); top; top = stack.pop()) {
    const [value, depth] = top;
    if (depth > max) return true;
    for (const child of Object.values(value)) if (typeof child === 'object' && child !== null) stack.push([child as object, depth + 1]);
  }
  return false;
}
