/**
 * Provisioning logs in SkyPilot's format (`I MM-DD HH:mm:ss file:line] text`), with every date from
 * the world clock: a launch's lines are derived from its start and length, and a fixture's written
 * log is re-dated so its first line is the cluster's launch (its author's day never shows).
 */

/** `MM-DD HH:mm:ss` in UTC: the same bytes on every replica, whatever its time zone. */
function logStamp(epochSeconds: number): string {
  const d = new Date(Math.floor(epochSeconds) * 1000);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
}

const STAMPED = /^([IWEDF]) (\d\d)-(\d\d) (\d\d):(\d\d):(\d\d) /;

/** A written log's lines moved in time so that its first stamped line is at `startAt`. */
export function redate(text: string, startAt: number): string {
  let first: number | null = null;
  return text
    .split('\n')
    .map((line) => {
      const m = STAMPED.exec(line);
      if (!m) return line;
      const [, level, mo, dd, hh, mi, ss] = m;
      const at = Date.UTC(2001, Number(mo) - 1, Number(dd), Number(hh), Number(mi), Number(ss)) / 1000;
      first ??= at;
      // A log that runs past new year reads as going back in time: count it forward a year.
      const offset = at >= first ? at - first : at + 365 * 86400 - first;
      return `${level} ${logStamp(startAt + offset)} ${line.slice(m[0].length)}`;
    })
    .join('\n');
}

export interface ProvisionTarget {
  name: string;
  nameOnCloud: string;
  cloud: string;
  region: string | null;
  instanceType: string;
  nodes: number;
  headIp: string;
}

const PROVISION_LINES: [number, string, (t: ProvisionTarget, why: 'start' | 'launch') => string][] = [
  [
    0,
    'provisioner.py:82',
    (t, why) =>
      why === 'launch'
        ? `Launching on ${t.cloud} ${t.region ?? ''} (${t.nodes}x ${t.instanceType}) for cluster ${t.name}`
        : `Starting cluster ${t.name}: resuming ${t.nodes} stopped instance(s) on ${t.cloud} ${t.region ?? ''}`,
  ],
  [0.1, 'provisioner.py:93', (t, why) => `${why === 'launch' ? 'Creating' : 'Resuming'} ${t.nodes} instance(s) for ${t.nameOnCloud}`],
  [0.35, 'instance.py:214', (t) => `Instance(s) of ${t.nameOnCloud} are RUNNING (head ${t.headIp})`],
  [0.55, 'provisioner.py:301', (t) => `Waiting for SSH on ${t.nodes} node(s)`],
  [0.75, 'provisioner.py:470', (t) => `Installing the SkyPilot runtime on ${t.nodes} node(s)`],
  [1, 'provisioner.py:640', (t) => `Cluster ${t.name} is up: ${t.nodes}x ${t.cloud}(${t.instanceType})`],
];

/** The provisioning log as far as it has got at `now` (the last line once the cluster is up). */
export function provisionLog(
  target: ProvisionTarget,
  step: { why: 'start' | 'launch'; at: number; seconds: number },
  now: number,
  interruptedAt: number | null,
): string {
  const until = Math.min(now, interruptedAt ?? Infinity);
  return PROVISION_LINES.map(([fraction, where, text]) => [step.at + fraction * step.seconds, where, text] as const)
    .filter(([at]) => at <= until)
    .map(([at, where, text]) => `I ${logStamp(at)} ${where}] ${text(target, step.why)}\n`)
    .join('');
}
