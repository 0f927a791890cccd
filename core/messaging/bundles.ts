import { AppError } from '../../shared/errors.js';
import type { BundleBody, BundleItem, FileBody, MessageView, TextBody } from '../../shared/protocol/types.js';

/** Bounds of a bundle (docs/messages.md): how deep bundles nest, how many items in all levels, its JSON size. */
export const BUNDLE_LIMITS = { maxDepth: 4, maxItems: 2000, maxChars: 1_000_000 } as const;

/** Forwardable kinds; system and recalled messages are not. */
export const FORWARDABLE = ['text', 'file', 'bundle'] as const;
type Forwardable = (typeof FORWARDABLE)[number];

/** A message's body as a copy carries it: a reply's quote belongs to its own conversation and stays behind. */
export function copyBody(view: MessageView): TextBody | FileBody | BundleBody {
  if (view.kind === 'text') return { text: (view.body as TextBody).text };
  return structuredClone(view.body) as FileBody | BundleBody;
}

/** "X的聊天记录", "X和Y的聊天记录", "X、Y等人的聊天记录": from the senders, in order of appearance. */
export function bundleTitle(names: string[]): string {
  const distinct = [...new Set(names)];
  if (distinct.length <= 1) return `${distinct[0] ?? ''}的聊天记录`;
  if (distinct.length === 2) return `${distinct[0]}和${distinct[1]}的聊天记录`;
  return `${distinct[0]}、${distinct[1]}等人的聊天记录`;
}

export function makeBundle(views: MessageView[], names: Map<number, string>): BundleBody {
  const items: BundleItem[] = views.map((v) => ({
    sender_id: v.sender_id, sender_name: names.get(v.sender_id) ?? '', at: v.created_at, kind: v.kind as Forwardable, body: copyBody(v),
  }));
  const body: BundleBody = { bundle: { title: bundleTitle(items.map((i) => i.sender_name)), items } };
  const { depth, items: count } = measure(body);
  if (depth > BUNDLE_LIMITS.maxDepth) throw new AppError('SB_VALIDATION', `seqs: bundles nest at most ${BUNDLE_LIMITS.maxDepth} deep`, { field: 'seqs' });
  if (count > BUNDLE_LIMITS.maxItems) throw new AppError('SB_VALIDATION', `seqs: a bundle holds at most ${BUNDLE_LIMITS.maxItems} items in all`, { field: 'seqs' });
  if (JSON.stringify(body).length > BUNDLE_LIMITS.maxChars) throw new AppError('SB_VALIDATION', 'seqs: the bundle would be too large', { field: 'seqs' });
  return body;
}

/** Depth (1 for a bundle of plain messages) and items counted at every level. */
export function measure(body: BundleBody): { depth: number; items: number } {
  let depth = 0;
  let items = 0;
  for (const item of body.bundle.items) {
    items += 1;
    if (item.kind === 'bundle') {
      const inner = measure(item.body as BundleBody);
      depth = Math.max(depth, inner.depth);
      items += inner.items;
    }
  }
  return { depth: depth + 1, items };
}

/** Every file a body carries, nested bundles included: each is attached to the conversation the copy goes to. */
export function filesIn(body: TextBody | FileBody | BundleBody): number[] {
  if ('file' in body) return [body.file.id];
  if ('bundle' in body) return body.bundle.items.flatMap((i) => filesIn(i.body));
  return [];
}
