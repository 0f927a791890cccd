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
  return {
    id: m.id, conv_id: m.conv_id, seq: m.seq, sender_id: m.sender_id, cmid: m.cmid,
    kind: m.kind, body: JSON.parse(m.body) as MessageView['body'], created_at: m.created_at,
  };
}
