import { converse, type BystanderPlan } from './bystander.js';

/** The bystander pair's own process (forked by startBystanders): start, then stop and report over IPC. */
let stop: () => void = () => {};
const stopped = new Promise<void>((resolve) => { stop = resolve; });
const reply = (m: unknown, code?: number) => process.send!(m, () => { if (code !== undefined) process.exit(code); });

process.on('message', (m: { t: string; plan?: BystanderPlan }) => {
  if (m.t === 'stop') stop();
  if (m.t !== 'start' || !m.plan) return;
  converse(m.plan, () => reply({ t: 'started' }), stopped).then(
    (result) => reply({ t: 'result', result }, 0),
    (e: unknown) => reply({ t: 'error', error: (e as Error).stack ?? String(e) }, 1),
  );
});
process.on('disconnect', () => process.exit(0));
