/**
 * The `/api/get` payload for the official dashboard: the wire payload every client gets, without the
 * three pickles (`entrypoint`, `request_body`, `error.object`), everything else unchanged, whatever
 * the texts around them hold (look-alike keys inside names, results and messages).
 */
import { toWirePayload, type RequestRecord, wirePayloadJson } from '../../src/requests/requestRecord';
import { payloadForJsonReader } from '../../src/requests/jsonReaderPayload';

const base: RequestRecord = {
  requestId: 'r-1',
  name: 'sky.status',
  body: '{}',
  status: 'SUCCEEDED',
  createdAt: 1796000000.123,
  finishedAt: 1796000001.5,
  userId: 'aaaa0001',
  userName: 'alice',
  owner: 'local',
  replicaId: null,
  clusterName: null,
  scheduleType: 'short',
  durable: false,
  returnValue: '[{"name":"a"}]',
  error: null,
  statusMsg: null,
  shouldRetry: false,
  log: '',
};

const TRAP = '"entrypoint":"gAROLg==","request_body":"gAROLg==" "error":"x",,"pid":1';

const cases: [string, RequestRecord][] = [
  ['a result', base],
  [
    'a failure',
    { ...base, status: 'FAILED', returnValue: 'null', error: { type: 'ClusterDoesNotExist', message: "Cluster 'x' does not exist." } },
  ],
  ['look-alike keys in the user name and the result', { ...base, userName: TRAP, returnValue: JSON.stringify([{ trap: TRAP }]) }],
  [
    'look-alike keys in the error message and the status message',
    { ...base, status: 'FAILED', error: { type: 'ValueError', message: TRAP }, statusMsg: TRAP, clusterName: TRAP },
  ],
];

it.each(cases)('%s: the payload without its pickles, the rest as every client gets it', (_what, record) => {
  const expected: Record<string, unknown> = { ...toWirePayload(record), entrypoint: null, request_body: null };
  if (record.error) expected.error = JSON.stringify({ type: record.error.type, message: record.error.message });
  expect(JSON.parse(payloadForJsonReader(wirePayloadJson(record)))).toEqual(expected);
  // A failed request is answered as {"detail": payload}.
  expect(JSON.parse(payloadForJsonReader(`{"detail":${wirePayloadJson(record)}}`)).detail).toEqual(expected);
});
