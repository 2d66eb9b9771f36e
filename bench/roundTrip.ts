/**
 * The measured unit: the `/status` round trip every dashboard page and `sky status` make
 * (POST /status -> X-Skypilot-Request-ID -> GET /api/get?request_id=<id>), driven by autocannon,
 * each virtual client looping the pair. Latency is from sending the POST to receiving the result.
 *
 * Replicas are measured crossing (`measureCrossingRoundTrips`): the POST on one replica, the
 * `/api/get` on the other, alternating, as a balancer spreads a client's two requests. autocannon
 * drives one target per run, so that driver is a plain keep-alive client looping the same pair.
 */
import autocannon from 'autocannon';
import http from 'node:http';
import { performance } from 'node:perf_hooks';

export interface Sample {
  roundTrips: number;
  seconds: number;
  latenciesMs: number[];
  errors: number;
  non2xx: number;
  /** 429 answers (a rate limit tripping). */
  limited: number;
}

interface RoundTripContext {
  t0?: number;
  rid?: string | null;
}

/** The request id autocannon saw, whatever the header's case (it hands headers over as sent). */
export function requestIdOf(headers: Record<string, unknown>): string | null {
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === 'x-skypilot-request-id') return Array.isArray(value) ? String(value[0]) : String(value);
  }
  return null;
}

export async function measureRoundTrips(
  url: string,
  connections: number,
  seconds: number,
  headers: Record<string, string> = {},
): Promise<Sample> {
  const latenciesMs: number[] = [];
  let limited = 0;
  const result = await autocannon({
    url,
    connections,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        path: '/status',
        headers: { 'content-type': 'application/json', ...headers },
        body: '{}',
        setupRequest: (req, context) => {
          (context as RoundTripContext).t0 = performance.now();
          return req;
        },
        onResponse: (status, _body, context, headers) => {
          if (status === 429) limited++;
          (context as RoundTripContext).rid = requestIdOf(headers as Record<string, unknown>);
        },
      },
      {
        method: 'GET',
        path: '/api/get',
        headers,
        setupRequest: (req, context) => {
          const rid = (context as RoundTripContext).rid;
          return { ...req, path: rid ? `/api/get?request_id=${encodeURIComponent(rid)}` : '/api/get' };
        },
        onResponse: (status, _body, context) => {
          if (status === 429) limited++;
          const t0 = (context as RoundTripContext).t0;
          if (status === 200 && t0 !== undefined) latenciesMs.push(performance.now() - t0);
        },
      },
    ],
  });
  return {
    roundTrips: latenciesMs.length,
    seconds: result.duration,
    latenciesMs,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    limited,
  };
}

interface Answer {
  status: number;
  requestId: string | null;
}

function send(agent: http.Agent, url: URL, method: 'POST' | 'GET', path: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: url.hostname, port: url.port, method, path, agent, headers: method === 'POST' ? { 'content-type': 'application/json' } : {} },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, requestId: requestIdOf(res.headers) }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(method === 'POST' ? '{}' : undefined);
  });
}

/**
 * The round trip across two replicas: virtual client `c`'s `k`-th round trip POSTs to replica
 * `(c + k) % 2` and fetches the result from the other one, so each replica takes half the POSTs and
 * half the fetches, and every fetch is of a request the other replica ran.
 */
export async function measureCrossingRoundTrips(urls: [string, string], connections: number, seconds: number): Promise<Sample> {
  const targets = urls.map((u) => new URL(u));
  const agents = targets.map(() => new http.Agent({ keepAlive: true, maxSockets: connections }));
  const latenciesMs: number[] = [];
  let errors = 0;
  let non2xx = 0;
  let limited = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  const client = async (c: number) => {
    for (let k = 0; performance.now() < deadline; k++) {
      const [post, get] = (c + k) % 2 ? [1, 0] : [0, 1];
      const t0 = performance.now();
      try {
        const posted = await send(agents[post], targets[post], 'POST', '/status');
        if (posted.status === 429) limited++;
        if (posted.status !== 200 || !posted.requestId) {
          non2xx++;
          continue;
        }
        const fetched = await send(agents[get], targets[get], 'GET', `/api/get?request_id=${encodeURIComponent(posted.requestId)}`);
        if (fetched.status === 429) limited++;
        if (fetched.status === 200) latenciesMs.push(performance.now() - t0);
        else non2xx++;
      } catch {
        errors++;
      }
    }
  };
  await Promise.all(Array.from({ length: connections }, (_, c) => client(c)));
  for (const agent of agents) agent.destroy();
  return { roundTrips: latenciesMs.length, seconds: (performance.now() - started) / 1000, latenciesMs, errors, non2xx, limited };
}

/** Several samples as one: round trips over total time, latencies pooled. */
export function pool(samples: Sample[]): Sample {
  return {
    roundTrips: samples.reduce((s, x) => s + x.roundTrips, 0),
    seconds: samples.reduce((s, x) => s + x.seconds, 0),
    latenciesMs: samples.flatMap((x) => x.latenciesMs),
    errors: samples.reduce((s, x) => s + x.errors, 0),
    non2xx: samples.reduce((s, x) => s + x.non2xx, 0),
    limited: samples.reduce((s, x) => s + x.limited, 0),
  };
}

/** Samples taken at the same time against several servers (replicas): throughput adds up. */
export function concurrent(samples: Sample[]): Sample {
  const joined = pool(samples);
  return { ...joined, seconds: Math.max(...samples.map((s) => s.seconds)) };
}

export function percentile(values: number[], p: number): number {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export function rate(sample: Sample): number {
  return sample.roundTrips / sample.seconds;
}
