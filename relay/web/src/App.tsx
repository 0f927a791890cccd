import { SessionContext, StoreContext } from './context.js';
import type { AppStore } from './store.js';
import { PinGate, WipedNotice } from './views/PinLock.js';
import { Shell } from './views/Shell.js';
import { SignIn } from './views/SignIn.js';

/** Sign-in or the signed-in shell (behind the security PIN), from the store; after a wipe, a notice first. */
export function App({ store }: { store: AppStore }) {
  const session = store.session.value;
  return (
    <StoreContext.Provider value={store}>
      {session
        ? <SessionContext.Provider value={session}><PinGate><Shell /></PinGate></SessionContext.Provider>
        : store.wiped.value ? <WipedNotice /> : <SignIn />}
    </StoreContext.Provider>
  );
}
