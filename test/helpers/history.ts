import type { ApiClient } from '../../shared/sdk/api.js';
import type { MessageView } from '../../shared/protocol/types.js';

/** Every stored message of a conversation, ascending by seq, read page by page through the HTTP API. */
export async function readAllHistory(api: ApiClient, convId: number): Promise<MessageView[]> {
  const all: MessageView[] = [];
  for (let after = 0; ;) {
    const page = await api.call('msg.history', { conv_id: convId, after, limit: 200 });
    all.push(...page.messages);
    after = page.messages.at(-1)?.seq ?? after;
    if (!page.more || page.messages.length === 0) return all;
  }
}
