import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { I18n } from './i18n.js';
import type { Session } from './session.js';
import type { AppStore } from './store.js';

export const StoreContext = createContext<AppStore | null>(null);
/** Provided by the shell, which exists only while someone is signed in. */
export const SessionContext = createContext<Session | null>(null);

export function useStore(): AppStore {
  const store = useContext(StoreContext);
  if (!store) throw new Error('useStore outside <App>');
  return store;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside the signed-in shell');
  return session;
}

/** The texts of the current language; the calling component re-renders when it changes. */
export function useI18n(): I18n {
  return useStore().i18n.value;
}
