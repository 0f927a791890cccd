import t from 'tap';
import { Cluster } from './harness.js';
import { Traffic } from './traffic.js';

/**
 * Faults stay local and lose nothing: a real cluster (central ×2 on MariaDB,
 * relays ×3, NATS, Redis), steady traffic from devices spread over the relays,
 * one fault per case, and the exactly-once check at the end of each.
 */
const cluster = await Cluster.start({ centrals: 2, relays: 3 });
t.teardown(() => cluster.stop());
t.comment(`store ${cluster.store}, centrals ${cluster.centrals.length}, relays ${cluster.relays.length}, nats :${cluster.natsPort}, redis :${cluster.redisPort}`);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

t.test('steady traffic across relays: exactly once', async (t) => {
  const traffic = await Traffic.setup(cluster, [[0], [1], [2], [0, 1], [1], [2]]);
  t.teardown(() => traffic.close());
  traffic.start();
  await sleep(2_000);
  await traffic.verify(t);
});
