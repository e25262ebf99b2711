// The open-loop sender is the instrument behind the intake p99 target: it must send at an even pace whatever the
// server does, and count each latency from when the request was due, so that a server stall is in the figures
// rather than hidden by a sender that waited for it (coordinated omission).
import { createServer } from 'node:http';
import { performance } from 'node:perf_hooks';
import { firePaced } from './paced-load.mjs';

/** A local server whose answer to each request `respond(arrivedAtMs)` decides: `{ status, afterMs }`. */
async function startServer(respond) {
  const arrivals = [];
  let firstAt = null;
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      const now = performance.now();
      firstAt ??= now;
      arrivals.push(now - firstAt);
      const { status, afterMs } = respond(now - firstAt);
      setTimeout(() => response.writeHead(status, { 'content-type': 'text/plain' }).end(`answered ${status}`), afterMs);
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    baseUrl: `http://127.0.0.1:${server.address().port}`,
    arrivals,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

const request = () => ({ path: '/v1/reports', headers: { 'content-type': 'application/json' }, body: '{}' });

describe('firePaced (open-loop load)', () => {
  let server;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('sends requests evenly over the run, not in bursts, while the answers are slower than the pace', async () => {
    server = await startServer(() => ({ status: 202, afterMs: 120 }));
    const result = await firePaced(server.baseUrl, { rate: 200, duration: 1, connections: 32, title: 'x', request });

    expect(result.accepted).toBe(200);
    expect(result.errors).toBe(0);
    // 200 requests over 1 s: ~20 in each tenth of a second. A sender giving each second's budget at once (as
    // autocannon's overallRate does) would put them all in the first. The bounds leave room for this process being
    // held up for a while by a busy machine (the whole test suite runs beside it), after which the sender catches
    // up with what fell due: 70 in one tenth has been seen so.
    const perTenth = Array(10).fill(0);
    for (const t of server.arrivals) perTenth[Math.min(9, Math.floor(t / 100))]++;
    expect(Math.max(...perTenth)).toBeLessThanOrEqual(100);
    expect(perTenth.filter((n) => n > 0).length).toBeGreaterThanOrEqual(6);
    expect(result.latencyMs.p50).toBeGreaterThanOrEqual(115);
  });

  it('counts a stall on the server in the latency of every request due in it, by the second it was due', async () => {
    // Everything that arrives in the first 1.3 s is answered at 1.3 s; after that, at once.
    server = await startServer((arrivedAt) => ({ status: 202, afterMs: Math.max(0, 1300 - arrivedAt) }));
    const result = await firePaced(server.baseUrl, { rate: 100, duration: 2, connections: 32, title: 'x', request });

    expect(result.accepted).toBe(200);
    const [first, second] = result.latencyBySecondMs;
    // Filed by when each was due, not by when its answer came (none came within the first second).
    expect([first.count, second.count]).toEqual([100, 100]);
    // Every request of the first second waited for the stall's end — those past the 32 connections too, counted from
    // when they were due, not from when a connection took them; most of the next second's did not wait.
    expect(first.max).toBeGreaterThanOrEqual(1250);
    expect(first.p50).toBeGreaterThanOrEqual(600);
    expect(second.p50).toBeLessThan(first.p50 / 2);
    expect(result.latencyMs.max).toBe(first.max);
  });

  it('counts every answer other than the accepted status as an error, with samples', async () => {
    let n = 0;
    server = await startServer(() => ({ status: ++n % 4 === 0 ? 409 : 202, afterMs: 0 }));
    const result = await firePaced(server.baseUrl, { rate: 200, duration: 0.5, connections: 8, title: 'x', request });

    expect(result.responses).toBe(100);
    expect(result.byStatus).toEqual({ 202: 75, 409: 25 });
    expect(result.errors).toBe(25);
    expect(result.accepted).toBe(75);
    expect(result.sampleErrors).toEqual(['409 answered 409']);
    expect(result.latencyMs.p50).not.toBeNull();
  });
});
