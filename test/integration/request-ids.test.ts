import t from 'tap';
import { startServer } from '../helpers/server.js';

/** Every API answer carries a request id that relay and central log lines share; a client may bring its own. */
const server = await startServer();
t.teardown(() => server.stop());

t.test('a client-chosen request id comes back; otherwise one is made', async (t) => {
  const mine = await fetch(`${server.url}/api/v1/branding`, { headers: { 'x-request-id': 'client-req-0001' } });
  t.equal(mine.status, 200);
  const own = await fetch(`${server.url}/api/v1/me`, { headers: { 'x-request-id': 'client-req-0002' } });
  t.equal(own.headers.get('x-request-id'), 'client-req-0002', 'an error answer carries the client\'s id');
  const made = await fetch(`${server.url}/api/v1/me`);
  t.match(made.headers.get('x-request-id'), /^[0-9a-f-]{36}$/, 'a generated id when the client sent none');
  const junk = await fetch(`${server.url}/api/v1/me`, { headers: { 'x-request-id': 'bad id with spaces and "quotes"' } });
  t.match(junk.headers.get('x-request-id'), /^[0-9a-f-]{36}$/, 'an unsafe id is replaced, never echoed');
});
