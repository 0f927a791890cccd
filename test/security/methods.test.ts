import t from 'tap';
import { startServer } from '../helpers/server.js';

/**
 * Found by the fuzz suite (test/fuzz): a request with a method no route serves (POST /healthz, DELETE on a
 * page, HEAD) was answered by closing the connection. Now it gets a coded refusal and the node stays up.
 */
t.test('a method no route serves gets SB_UNKNOWN_TYPE, not a closed connection', async (t) => {
  const server = await startServer();
  t.teardown(() => server.stop());
  for (const [method, path] of [['POST', '/healthz'], ['DELETE', '/'], ['PUT', '/index.html'], ['OPTIONS', '/openapi.json'], ['PATCH', '/ws']]) {
    const r = await fetch(`${server.url}${path}`, { method });
    t.equal(r.status, 400, `${method} ${path} → 400`);
    t.equal((await r.json() as { error: { code: string } }).error.code, 'SB_UNKNOWN_TYPE', '… with SB_UNKNOWN_TYPE');
  }
  t.equal((await fetch(`${server.url}/healthz`, { method: 'HEAD' })).status, 400, 'HEAD too');
  t.equal((await fetch(`${server.url}/healthz`)).status, 200, 'GET still serves');
  t.equal((await fetch(`${server.url}/api/v1/branding`)).status, 200);
});
