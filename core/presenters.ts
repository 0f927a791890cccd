import type { MessageView, SessionView, UserView } from '../shared/protocol/types.js';
import type { MessageRecord, SessionRecord, UserRecord } from './ports.js';

/** Records → wire JSON. Secrets (password and token hashes) never leave here. */
export function userView(u: UserRecord): UserView {
  return { id: u.id, account: u.account, name: u.name, is_admin: u.is_admin, is_super: u.is_super, disabled: u.disabled, created_at: u.created_at };
}

export function sessionView(s: SessionRecord): SessionView {
  return {
    id: s.id, user_id: s.user_id, device_type: s.device_type, device_name: s.device_name,
    created_at: s.created_at, expires_at: s.expires_at, last_seen_at: s.last_seen_at, ip: s.ip,
  };
}

export function messageView(m: MessageRecord): MessageView {
  const body = JSON.parse(m.body) as MessageView['body'] & { edited_at?: number };
  const view: MessageView = {
    id: m.id, conv_id: m.conv_id, seq: m.seq, sender_id: m.sender_id, cmid: m.cmid, kind: m.kind, body, created_at: m.created_at,
  };
  // An edit stores its time with the text (core/messaging/actions.ts); the wire has it beside the body.
  if (body.edited_at !== undefined) { view.edited_at = body.edited_at; delete body.edited_at; }
  return view;
}
