import type { TSchema } from '@sinclair/typebox';

interface Schema {
  type?: string; anyOf?: Schema[]; const?: unknown; items?: Schema; properties?: Record<string, Schema>; required?: string[];
  minimum?: number; minLength?: number; minItems?: number; pattern?: string;
}

/**
 * The smallest params an operation's schema accepts (ids 1, short strings that fit the patterns), with
 * `overrides` on top: enough for a request to pass the params check and reach the policy that follows.
 */
export function sampleParams(schema: TSchema, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...(sample(schema as Schema) as Record<string, unknown>), ...overrides };
}

function sample(s: Schema): unknown {
  if ('const' in s) return s.const;
  if (s.anyOf) return sample(s.anyOf[0]!);
  switch (s.type) {
    case 'object': return Object.fromEntries((s.required ?? []).map((k) => [k, sample(s.properties![k]!)]));
    case 'array': return Array.from({ length: s.minItems ?? 0 }, () => sample(s.items!));
    case 'integer': case 'number': return Math.max(s.minimum ?? 1, 1);
    case 'boolean': return false;
    case 'string': return s.pattern?.includes('{64}') ? 'a'.repeat(64) : 'a'.repeat(Math.max(s.minLength ?? 1, 2));
    default: return {};
  }
}
