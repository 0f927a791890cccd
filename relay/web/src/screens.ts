/**
 * The screens opened now and then, joined into dist/lazy.js (scripts/web-bundle.ts) and loaded the first time one
 * of them is shown (lazyView in lazy.tsx), so the first screen's module stays within its budget.
 */
export { GroupInfo } from './views/GroupInfo.js';
export { NewGroup } from './views/NewGroup.js';
export { SendBroadcast } from './views/SendBroadcast.js';
export { PersonCard } from './views/PersonCard.js';
export { Favourites } from './views/Favourites.js';
export { NotifySettings } from './views/NotifySettings.js';
export { AccountSecurity } from './views/AccountSecurity.js';
