/**
 * Is a PostgreSQL server reachable for the test suites? Run synchronously from jest.config.js (a
 * child process, so the config stays synchronous): prints "ok" or the reason.
 * The URI: SKYPILOT_TEST_POSTGRES_URI, else postgresql://sky:sky@127.0.0.1:5432/sky (what .ci/run makes).
 */

const { Client } = require('pg');

const uri = process.env.SKYPILOT_TEST_POSTGRES_URI || 'postgresql://sky:sky@127.0.0.1:5432/sky';
const client = new Client({ connectionString: uri, connectionTimeoutMillis: 2000 });
client
  .connect()
  .then(() => client.query('SELECT 1'))
  .then(() => {
    process.stdout.write('ok');
    return client.end();
  })
  .catch((error) => {
    process.stdout.write(error.message || String(error));
    process.exitCode = 0;
  });
