/**
 * Test only, never part of the server: a read that takes as long as it is told, for tests of a
 * replica dying while a read it accepted runs. Preloaded like slowEndpoint.js, it adds
 * `POST /test/slow_read {"seconds": n}`: a read on the short queue (kept in memory, and in a shared
 * store's database), answering `{"slept": n}`.
 */
const { z } = require('zod');
const { appExtensions } = require('../../dist/src/appExtensions');
const { scheduledEndpoint } = require('../../dist/src/http/endpoint');

const slowRead = scheduledEndpoint('POST', '/test/slow_read', {
  name: 'test.slow_read',
  effect: 'read',
  schema: z.looseObject({ seconds: z.number().min(0).max(120) }),
  run: (input) => new Promise((resolve) => setTimeout(() => resolve({ slept: input.seconds }), input.seconds * 1000)),
});

appExtensions.endpoints = [...appExtensions.endpoints, slowRead];
