/**
 * The generated org (activity.yaml `generated`): users, clusters, cluster jobs, managed jobs, history
 * and events as pure functions of (seed, index, t). Nothing is stored or built ahead: a request
 * computes the objects it answers with, so a 1,500-cluster, 220,000-history org costs no memory and
 * no work per tick. Only per-index constants (a slot's user, period, phase) are kept, once per spec.
 */
import { userHashForName } from '../state/currentUser';
import type { UserWithRole } from '../state/records';
import { draw, drawBetween } from './prng';
import type { GeneratedSpec } from './generatedSpec';

/** Run numbers count from here (2025-01-01), so ids stay positive and below 2^31 for decades. */
export const GEN_EPOCH = 1_735_689_600;
const FIRST = ['ana', 'ben', 'chen', 'dara', 'eli', 'fatima', 'gus', 'hana', 'ivan', 'jun', 'kofi', 'lea', 'mo', 'nia', 'omar', 'priya'];
const LAST = [
  'ng',
  'ortiz',
  'park',
  'quinn',
  'rossi',
  'sato',
  'tran',
  'ueda',
  'varga',
  'wu',
  'xu',
  'yilmaz',
  'zhou',
  'adams',
  'bose',
  'cruz',
];
export const PLACES = [
  { cloud: 'AWS', region: 'us-east-1', instance: 'p4d.24xlarge', gpus: 'A100:8' },
  { cloud: 'AWS', region: 'us-west-2', instance: 'g5.xlarge', gpus: 'A10G:1' },
  { cloud: 'GCP', region: 'us-central1', instance: 'a3-highgpu-8g', gpus: 'H100:8' },
  { cloud: 'GCP', region: 'us-central1', instance: 'g2-standard-8', gpus: 'L4:1' },
  { cloud: 'Azure', region: 'eastus', instance: 'Standard_NC24ads_A100_v4', gpus: 'A100-80GB:1' },
] as const;
export type Place = (typeof PLACES)[number];

export interface OrgUser {
  name: string;
  hash: string;
}

export interface Org {
  spec: GeneratedSpec;
  seed: number;
  users: OrgUser[];
  workspaces: readonly string[];
  /** Draw a number in [0, 1) for (what, index, ...). */
  draw(...keys: (string | number)[]): number;
  userOf(kind: string, index: number): OrgUser;
  workspaceOf(kind: string, index: number): string;
  placeOf(kind: string, index: number): Place;
  /** Seconds in [min, max] for (what, index, ...). */
  between(range: readonly [number, number], ...keys: (string | number)[]): number;
}

function userName(i: number): string {
  const round = Math.floor(i / (FIRST.length * LAST.length));
  return `${FIRST[i % FIRST.length]}.${LAST[Math.floor(i / FIRST.length) % LAST.length]}${round ? round : ''}@acme-ai.example`;
}

/** The org's constants; `workspaces` are the fixture's (the generated objects spread over them). */
export function makeOrg(spec: GeneratedSpec, seed: number, workspaces: readonly string[]): Org {
  const users = Array.from({ length: spec.users }, (_, i) => {
    const name = userName(i);
    return { name, hash: userHashForName(name) };
  });
  const spaces = workspaces.length ? workspaces : ['default'];
  const org: Org = {
    spec,
    seed,
    users,
    workspaces: spaces,
    draw: (...keys) => draw(seed, 'gen', ...keys),
    // A power law: a few users run most of the work, as in a real org.
    userOf: (kind, index) => users[Math.floor(draw(seed, 'gen', kind, 'user', index) ** 2 * users.length)],
    workspaceOf: (kind, index) => spaces[Math.floor(draw(seed, 'gen', kind, 'ws', index) * spaces.length)],
    placeOf: (kind, index) => PLACES[Math.floor(draw(seed, 'gen', kind, 'place', index) * PLACES.length)],
    between: (range, ...keys) => drawBetween(seed, range, 'gen', ...keys),
  };
  return org;
}

/** The org's people: about one in fifty an admin; joined over the year before the epoch. */
export function orgUsers(org: Org): UserWithRole[] {
  return org.users.map((u, i) => ({
    id: u.hash,
    name: u.name,
    password: null,
    createdAt: GEN_EPOCH - Math.floor(org.draw('joined', i) * 365 * 86400),
    userType: 'basic',
    role: org.draw('role', i) < 0.02 ? 'admin' : 'user',
  }));
}

/** A uuid-shaped id for a generated name: four seeded hashes, far cheaper than `hashOf`'s. */
export function quickUuid(org: Org, name: string): string {
  const hex = [0, 1, 2, 3]
    .map((i) =>
      Math.floor(org.draw('uuid', name, i) * 0x1_0000_0000)
        .toString(16)
        .padStart(8, '0'),
    )
    .join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** Let other work run: big answers are computed in slices of this many objects. */
export const SLICE = 100;
export const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));
