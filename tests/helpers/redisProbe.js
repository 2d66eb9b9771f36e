/**
 * Is a Redis server reachable for the sandbox tests? Run synchronously (a child process, so a test
 * file can decide at load time whether its Redis suites run): prints "ok" or the reason.
 * The URL: SKYPILOT_TEST_REDIS_URL, else redis://127.0.0.1:6379 (what .ci/run starts).
 */

const Redis = require('ioredis');

const url = process.env.SKYPILOT_TEST_REDIS_URL || 'redis://127.0.0.1:6379';
const redis = new Redis(url, { lazyConnect: true, connectTimeout: 2000, maxRetriesPerRequest: 0, retryStrategy: () => null });
redis.on('error', () => {});
redis
  .connect()
  .then(() => redis.ping())
  .then(() => {
    process.stdout.write('ok');
  })
  .catch((error) => {
    process.stdout.write(error.message || String(error));
  })
  .finally(() => redis.disconnect());
