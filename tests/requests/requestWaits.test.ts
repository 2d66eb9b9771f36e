/**
 * What ends a wait for another process's request is counted (the `waits_woken_by` metric): the
 * event, or the poll when the notification never came. A notification that trails the poll's read
 * of the same finish by less than the grace is the event: both leave the database at the commit.
 */
import { NOTIFY_GRACE_MS, RequestEvents, type WaitSource, waitUntilFinished } from '../../src/requests/requestWaits';
import type { RequestRecord } from '../../src/requests/requestRecord';

function sourceFor(statuses: string[]): WaitSource {
  let reads = 0;
  return {
    async get(requestId) {
      const status = statuses[Math.min(reads++, statuses.length - 1)];
      return { request_id: requestId, status } as unknown as RequestRecord;
    },
    isOurs: () => false,
    pollMs: 20,
    wokenBy: { event: 0, poll: 0 },
  };
}

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('waits for another replica’s request', () => {
  it('a notification that comes while waiting counts the wait as woken by the event', async () => {
    const events = new RequestEvents();
    const source = sourceFor(['RUNNING', 'SUCCEEDED']);
    source.pollMs = 1000;
    setTimeout(() => events.emit('r1'), 5);
    const record = await waitUntilFinished(events, source, 'r1', 5000);
    expect(record?.status).toBe('SUCCEEDED');
    expect(source.wokenBy).toEqual({ event: 1, poll: 0 });
  });

  it('a notification trailing the poll’s read within the grace is still the event', async () => {
    const events = new RequestEvents();
    const source = sourceFor(['RUNNING', 'SUCCEEDED']);
    const record = await waitUntilFinished(events, source, 'r2', 5000);
    expect(record?.status).toBe('SUCCEEDED');
    // The answer did not wait for the count.
    expect(source.wokenBy).toEqual({ event: 0, poll: 0 });
    events.emit('r2');
    await settle(0);
    expect(source.wokenBy).toEqual({ event: 1, poll: 0 });
  });

  it('no notification within the grace: woken by the poll', async () => {
    const events = new RequestEvents();
    const source = sourceFor(['RUNNING', 'SUCCEEDED']);
    await waitUntilFinished(events, source, 'r3', 5000);
    await settle(NOTIFY_GRACE_MS + 50);
    events.emit('r3');
    expect(source.wokenBy).toEqual({ event: 0, poll: 1 });
  });

  it('a wait that ends unfinished (its deadline) is not counted', async () => {
    const events = new RequestEvents();
    const source = sourceFor(['RUNNING']);
    const record = await waitUntilFinished(events, source, 'r4', 50);
    expect(record?.status).toBe('RUNNING');
    await settle(NOTIFY_GRACE_MS + 50);
    expect(source.wokenBy).toEqual({ event: 0, poll: 0 });
  });
});
