import { useEffect, useState } from 'preact/hooks';
import type { Session } from './session.js';

/** How long "正在输入…" stays after the last hint (the sender repeats one every 3 s while typing). */
const SHOWN_MS = 6000;

/** Who is typing in a conversation now: from `typing` events, dropped when their message arrives or the hint is old. */
export function useTyping(session: Session, convId: number): number[] {
  const [typing, setTyping] = useState<Map<number, number>>(new Map());
  useEffect(() => {
    setTyping(new Map());
    const update = (fn: (m: Map<number, number>) => void) => setTyping((prev) => { const next = new Map(prev); fn(next); return next; });
    const off = session.client.on('event', (e) => {
      if (e.type === 'typing' && e.conv_id === convId) update((m) => m.set(e.user_id, Date.now() + SHOWN_MS));
      else if (e.type === 'message.new' && e.conv_id === convId) update((m) => m.delete(e.message.sender_id));
    });
    const timer = setInterval(() => update((m) => { for (const [id, until] of m) if (until <= Date.now()) m.delete(id); }), 1000);
    return () => { off(); clearInterval(timer); };
  }, [convId]);
  return [...typing.keys()];
}
