import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';

/**
 * A view loaded when first shown: the build puts it and what only it uses into dist/lazy.js, outside the first
 * screen's module (scripts/web-bundle.ts), so the budget for the first screen holds as screens are added.
 */
export function lazyView<P extends object>(load: () => Promise<ComponentType<P>>): ComponentType<P> {
  let loaded: ComponentType<P> | null = null;
  let pending: Promise<ComponentType<P>> | null = null;
  return function LazyView(props: P) {
    const [View, setView] = useState<ComponentType<P> | null>(() => loaded);
    const [failed, setFailed] = useState(false);
    useEffect(() => {
      if (View) return;
      let live = true;
      pending ??= load().then((v) => (loaded = v));
      pending.then((v) => { if (live) setView(() => v); }, () => { pending = null; if (live) setFailed(true); });
      return () => { live = false; };
    }, []);
    if (View) return <View {...props} />;
    return <div class="empty lazy-view" aria-busy={!failed}>{failed ? '⚠' : null}</div>;
  };
}
