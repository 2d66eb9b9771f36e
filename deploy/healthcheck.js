#!/usr/bin/env node
/**
 * The container health check: GET a probe path on this server; exit 0 on 200, else 1 with one line
 * saying why. Node rather than curl or wget, which the slim base image does not have.
 *
 * Usage: node deploy/healthcheck.js [/healthz | /readyz]
 * The port is SKYPILOT_PORT (46580 by default); the host is SKYPILOT_HOST unless that is a wildcard
 * address, in which case loopback.
 */

const http = require('node:http');

const WILDCARDS = new Set(['', '0.0.0.0', '::', '[::]']);
const probe = process.argv[2] || '/healthz';
const port = Number(process.env.SKYPILOT_PORT || 46580);
const configured = (process.env.SKYPILOT_HOST || '').trim();
const host = WILDCARDS.has(configured) ? '127.0.0.1' : configured.replace(/^\[(.*)\]$/, '$1');

function fail(why) {
  console.error(`healthcheck ${probe}: ${why}`);
  process.exit(1);
}

// Shorter than the HEALTHCHECK --timeout (3 s), so a hung server is reported here, with a reason.
const request = http.get({ host, port, path: probe, timeout: 2000 }, (response) => {
  response.resume();
  if (response.statusCode === 200) process.exit(0);
  fail(`HTTP ${response.statusCode}`);
});
request.on('timeout', () => request.destroy(new Error('no answer within 2 s')));
request.on('error', (error) => fail(error.message));
