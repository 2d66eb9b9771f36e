/** A request as a route would create it, numbered `req-000001`, ... unless `overrides` name one. */
import type { NewRequest } from '../../src/requests/requestStore';

let seq = 0;

export function newRequest(overrides: Partial<NewRequest> = {}): NewRequest {
  seq++;
  return {
    requestId: `req-${String(seq).padStart(6, '0')}`,
    name: 'sky.status',
    body: {},
    userId: 'aaaa0001',
    userName: 'a',
    owner: 'local',
    clusterName: null,
    scheduleType: 'short',
    durable: false,
    ...overrides,
  };
}
