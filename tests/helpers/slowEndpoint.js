/**
 * Test only, never part of the server: a scheduled request that takes as long as it is told, for
 * tests of what happens while a request is in flight (a drain on SIGTERM, a cancel from another
 * replica). Nothing on the nightly runs long on its own. Preloaded into a built server with
 * `node -r ./tests/helpers/slowEndpoint.js dist/src/server.js` (startServerProcess's `preload`),
 * it adds `POST /test/sleep {"seconds": n}` through the app's extension point, as the demo adds its
 * endpoints: a durable write on the long queue that ends early, as cancelled, when aborted.
 */
const { z } = require('zod');
const { appExtensions } = require('../../dist/src/appExtensions');
const { scheduledEndpoint } = require('../../dist/src/http/endpoint');

const sleep = scheduledEndpoint('POST', '/test/sleep', {
  name: 'test.sleep',
  effect: 'write',
  scheduleType: 'long',
  schema: z.looseObject({ seconds: z.number().min(0).max(120) }),
  run: (input, ctx) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => resolve({ slept: input.seconds }), input.seconds * 1000);
      ctx.signal.addEventListener(
        'abort',
        () => {
          clearTimeout(timer);
          reject(new Error('aborted'));
        },
        { once: true },
      );
    }),
});

appExtensions.endpoints = [...appExtensions.endpoints, sleep];
