/** A tiny typed event emitter that works in Node and in browsers. */
export class Emitter<Events extends Record<string, unknown[]>> {
  private handlers: { [K in keyof Events]?: Set<(...args: Events[K]) => void> } = {};

  on<K extends keyof Events>(name: K, fn: (...args: Events[K]) => void): () => void {
    (this.handlers[name] ??= new Set()).add(fn);
    return () => this.handlers[name]?.delete(fn);
  }

  protected emit<K extends keyof Events>(name: K, ...args: Events[K]): void {
    for (const fn of this.handlers[name] ?? []) {
      try { fn(...args); } catch { /* a listener's failure must not break delivery */ }
    }
  }
}
