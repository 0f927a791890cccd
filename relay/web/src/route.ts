/**
 * Hash routes: #/chats, #/chat/ID, #/chat/ID/m/SEQ (opened at a message), #/chat/ID/info, #/new-group, #/broadcast,
 * #/directory, #/directory/ID, #/directory/user/ID, #/favourites, #/settings/notify, #/settings/account, and the administration
 * console #/admin/SECTION (people, logins, online, audit, devices, directory, security, admins; #/admin is its first section).
 */
export type Route =
  | { name: 'chats' } | { name: 'chat'; id: number; at?: number } | { name: 'info'; id: number } | { name: 'newGroup' } | { name: 'broadcast' }
  | { name: 'directory' } | { name: 'person'; id: number; byUser: boolean } | { name: 'favourites' } | { name: 'notifySettings' } | { name: 'account' }
  | { name: 'admin'; section: string };

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/');
  const id = Number(parts[1]);
  if (parts[0] === 'chat' && id && parts[2] === 'm' && Number(parts[3])) return { name: 'chat', id, at: Number(parts[3]) };
  if (parts[0] === 'chat' && id) return parts[2] === 'info' ? { name: 'info', id } : { name: 'chat', id };
  if (parts[0] === 'new-group') return { name: 'newGroup' };
  if (parts[0] === 'favourites') return { name: 'favourites' };
  if (parts[0] === 'settings' && parts[1] === 'notify') return { name: 'notifySettings' };
  if (parts[0] === 'settings' && parts[1] === 'account') return { name: 'account' };
  if (parts[0] === 'admin') return { name: 'admin', section: parts[1] || 'people' };
  if (parts[0] === 'broadcast') return { name: 'broadcast' };
  if (parts[0] === 'directory' && parts[1] === 'user' && Number(parts[2])) return { name: 'person', id: Number(parts[2]), byUser: true };
  if (parts[0] === 'directory') return id ? { name: 'person', id, byUser: false } : { name: 'directory' };
  return { name: 'chats' };
}

/** The directory tab is open (its list in the side pane). */
export const inDirectory = (r: Route): boolean => r.name === 'directory' || r.name === 'person';

/** Only the side pane has something to show: on a phone, the side pane is the one shown. */
export const atSide = (r: Route): boolean => r.name === 'chats' || r.name === 'directory';

/** The conversation open in the main pane (its chat or its info), 0 when none. */
export const openConversation = (r: Route): number => (r.name === 'chat' || r.name === 'info' ? r.id : 0);
