import { SessionContext, StoreContext } from './context.js';
import type { AppStore } from './store.js';
import { Shell } from './views/Shell.js';
import { SignIn } from './views/SignIn.js';

/** Sign-in or the signed-in shell, from the store. */
export function App({ store }: { store: AppStore }) {
  const session = store.session.value;
  return (
    <StoreContext.Provider value={store}>
      {session
        ? <SessionContext.Provider value={session}><Shell /></SessionContext.Provider>
        : <SignIn />}
    </StoreContext.Provider>
  );
}
