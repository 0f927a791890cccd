import { Keyring } from '../central/at-rest/keyring.js';
import { loadMasterKeys } from '../central/at-rest/master-keys.js';
import { openStore } from '../central/node.js';
import { loadConfig } from '../shared/config.js';
import { createLogger } from '../shared/log.js';

/**
 * `switchboard keys rewrap | rotate --conv ID`: encryption at rest's key changes, made on the store while the
 * service runs (docs/deploy.md). Uses the same configuration and master keys as central. Returns the exit code.
 */
export async function runKeys(cmd: 'keys rewrap' | 'keys rotate', opts: { config?: string; conv?: string }, print: (line: string) => void, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const config = loadConfig({ file: opts.config, env });
  const masters = loadMasterKeys(config, createLogger('switchboard-keys'));
  const conv = Number(opts.conv);
  if (cmd === 'keys rotate' && !(Number.isSafeInteger(conv) && conv > 0)) {
    print('keys rotate: --conv ID is required (a conversation id)');
    return 2;
  }
  const store = await openStore(config);
  try {
    const ring = new Keyring(store.keys, masters);
    if (cmd === 'keys rotate') {
      print(`conversation ${conv}: data key version ${await ring.rotate('c', conv)}; new messages use it within a minute, older ones keep theirs`);
      return 0;
    }
    const r = await ring.rewrapAll();
    print(`rewrapped ${r.rewrapped} data keys under master key ${masters.current.id}`);
    if (r.unknown === 0) {
      print('every data key is under the current master key: older master keys can be removed');
      return 0;
    }
    print(`${r.unknown} data keys are under a master key that was not given: add it and run again before removing any`);
    return 1;
  } finally {
    await store.close();
  }
}
