/** SIGTERM drains within 10 s even while an upload trickles in (it used to wait 20–60 s). */
import { request } from 'node:http';
import { expect, it } from 'vitest';
import { COLUMNS } from '../../shared/import';
import { startServer } from '../helpers/server';

it('a trickling upload does not hold SIGTERM past 10 s', async () => {
  const srv = await startServer();
  const boundary = 'hzdrain';
  const req = request(`${srv.url}/api/v1/hazards/import`, {
    method: 'POST',
    headers: { authorization: `Bearer ${srv.tokens.reporter}`, 'content-type': `multipart/form-data; boundary=${boundary}` },
  });
  req.on('error', () => undefined);
  req.write(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="slow.csv"\r\n\r\n${COLUMNS.map((c) => c.header).join(',')}\r\n`);
  // a byte a second: never idle, never done
  const trickle = setInterval(() => req.write(' '), 1000);
  await new Promise((r) => setTimeout(r, 1500));
  const t0 = Date.now();
  await srv.stop();
  clearInterval(trickle);
  req.destroy();
  expect(Date.now() - t0).toBeLessThan(10_000);
}, 40_000);
