/**
 * Installs demo mode: one sinon sandbox replaces every function of every state seam with its fake from
 * the manifest (reads answer from the fake world, writes throw `DemoModeError`), and, through the same
 * sandbox, puts the read-only guard first among the app's request hooks, names each visitor, refuses
 * protocol upgrades and turns the per-client rate limit on. `restore()` undoes all of it.
 *
 * Fail closed: a seam function the manifest does not know is replaced by a thrower too, and reported;
 * nothing can reach a database. The served process records nothing about calls (memory stays flat);
 * tests that want to inspect calls install with `spy: true`.
 *
 * A wing on top of the demo (the visitor sessions of src/sessions/) extends it through `extend`: its
 * world is what the fakes read, its manifest entries replace refusals, its door replaces the
 * read-only guard, its endpoints are added. The demo knows only that shape, never the wing.
 */
import { checkDemoSettings } from './demoSettings';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Server } from 'node:http';
import sinon from 'sinon';
import { type AppExtensions, appExtensions, type RequestHook } from '../appExtensions';
import type { Endpoint } from '../http/endpoint';
import type { HttpCall } from '../http/httpCall';
import { DEMO_RATE_LIMIT } from '../http/rateLimit';
import { kubernetesInfra } from '../infra/kubernetesInfra';
import { currentUser } from '../state/currentUser';
import { globalUserState } from '../state/globalUserState';
import { managedJobsState } from '../state/managedJobsState';
import { DemoModeError } from './demoModeError';
import { type DemoManifest, REFUSE, buildManifest } from './fakes';
import { FixtureSource } from './fixtureLoader';
import { isDemoOnlyRead, readOnlyGuardHook } from './readOnlyGuard';
import type { Viewer } from '../requests/requestRecord';
import { createWorldCache, type WorldCache } from './worldCache';

/** Every object the API reads state through. */
export const SEAMS = { globalUserState, managedJobsState, currentUser, kubernetesInfra } as const;
export type SeamName = keyof typeof SEAMS;

export interface DemoOptions {
  fixturesDir?: string;
  /** How often, at most, fixture files are checked for changes (ms). */
  reloadMs?: number;
  log?: (line: string) => void;
  /** Wrap every fake in a sinon spy (tests only: spies keep every call's arguments forever). */
  spy?: boolean;
  /** A wing on top of the demo, given the demo's fixtures and world; null: nothing to add. */
  extend?: (base: { fixtures: FixtureSource; world: WorldCache; log: (line: string) => void }) => DemoExtension | null;
}

/** What a wing on top of the demo adds to it (src/sessions/ is the one there is). */
export interface DemoExtension {
  /** The world the fakes read instead of the demo's. */
  world: WorldCache;
  /** The manifest the seams are faked from, given the demo's (a wing turns refusals into its writes). */
  manifest(base: DemoManifest): DemoManifest;
  /** Takes the read-only guard's place, first among the request hooks (it should judge with it). */
  door: RequestHook;
  /** Names the visitor before the demo's address-based naming does; null: the demo's. */
  identifyVisitor: () => ReturnType<AppExtensions['identifyVisitor']>;
  endpoints: readonly Endpoint[];
  /** Tags for the official dashboard's pages as served (the sessions' banner). */
  officialHtmlInjection?: string;
  close(): Promise<void>;
}

export interface DemoInstallation {
  sandbox: sinon.SinonSandbox;
  /** The installed fakes, per seam and function name; spies when installed with `spy: true`. */
  fakes: Record<SeamName, Record<string, sinon.SinonSpy | ((...args: never[]) => unknown)>>;
  /** Names (`seam.fn`) of writes, which refuse. */
  refused: string[];
  /** Names of seam functions the manifest had no entry for (refused too); empty when complete. */
  missing: string[];
  fixtures: FixtureSource;
  world: WorldCache;
  /** The wing `extend` returned, else null. */
  extension: DemoExtension | null;
  /** Undoes everything; with a wing, also closes it. */
  restore(): void;
}

export function defaultFixturesDir(): string {
  if (process.env.SKYPILOT_DEMO_FIXTURES) return path.resolve(process.env.SKYPILOT_DEMO_FIXTURES);
  // From src/demo (ts-jest) or dist/src/demo (built): the editable files live in src/demo/fixtures.
  const candidates = [path.join(__dirname, 'fixtures'), path.resolve(__dirname, '..', '..', '..', 'src', 'demo', 'fixtures')];
  return candidates.find((dir) => fs.existsSync(path.join(dir, 'clusters.yaml'))) ?? candidates[0];
}

function refuser(name: string, why: string) {
  return () => Promise.reject(new DemoModeError(`${name} ${why}`));
}

function refuseUpgrades(server: Server): void {
  server.on('upgrade', (_req, socket) => {
    socket.end(
      'HTTP/1.1 403 Forbidden\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n' +
        JSON.stringify({ detail: new DemoModeError('protocol upgrades').message }),
    );
  });
}

const VISITOR_CACHE_MAX = 10_000;
const visitors = new Map<string, Viewer>();

/**
 * Demo visitors are told apart by address (hashed: principals show up in request rows); none of them
 * is an admin of anyone else's requests. The hash is remembered for a bounded number of addresses.
 */
export function visitorOf({ call, address }: { call?: HttpCall; address: string }): Viewer {
  let visitor = visitors.get(address);
  if (!visitor) {
    if (visitors.size >= VISITOR_CACHE_MAX) visitors.clear();
    // Every visitor is a viewer: the demo's guard and the endpoint table's role check agree.
    visitor = { principal: `visitor:${createHash('sha256').update(address).digest('hex').slice(0, 16)}`, admin: false, role: 'viewer' };
    visitors.set(address, visitor);
  }
  // The demo's own reads beyond a viewer's (DEMO_ONLY_READS, which the guard let through) are called
  // as a user, so the table's role check agrees with the guard on exactly those requests.
  if (call && isDemoOnlyRead(call.method, call.raw.url ?? '')) return { ...visitor, role: 'user' };
  return visitor;
}

export function installDemo(options: DemoOptions = {}): DemoInstallation {
  checkDemoSettings();
  const log = options.log ?? ((line: string) => console.log(line));
  const fixtures = new FixtureSource(options.fixturesDir ?? defaultFixturesDir(), {
    reloadMs: options.reloadMs ?? Number(process.env.SKYPILOT_DEMO_RELOAD_MS ?? 1000),
    log,
  });
  const baseWorld = createWorldCache(fixtures);
  const extension = options.extend?.({ fixtures, world: baseWorld, log }) ?? null;
  const world = extension?.world ?? baseWorld;
  const manifest: DemoManifest = extension ? extension.manifest(buildManifest(world)) : buildManifest(world);
  const sandbox = sinon.createSandbox();
  const fakes = {} as DemoInstallation['fakes'];
  const refused: string[] = [];
  const missing: string[] = [];

  for (const [seamName, seam] of Object.entries(SEAMS) as [SeamName, Record<string, unknown>][]) {
    const entries = manifest[seamName] as Record<string, unknown>;
    fakes[seamName] = {};
    for (const key of Object.keys(entries)) {
      if (typeof seam[key] !== 'function') throw new Error(`demo manifest names ${seamName}.${key}, which does not exist`);
    }
    for (const [key, value] of Object.entries(seam)) {
      if (typeof value !== 'function') continue;
      const entry = entries[key];
      let replacement: (...args: never[]) => unknown;
      if (entry === REFUSE) {
        replacement = refuser(`${seamName}.${key}`, 'would change state');
        refused.push(`${seamName}.${key}`);
      } else if (typeof entry === 'function') {
        replacement = entry as (...args: never[]) => unknown;
      } else {
        replacement = refuser(`${seamName}.${key}`, 'has no demo fake');
        missing.push(`${seamName}.${key}`);
      }
      const installed = options.spy ? sandbox.spy(replacement) : replacement;
      sandbox.replace(seam, key, installed as never);
      fakes[seamName][key] = installed;
    }
  }
  if (missing.length) log(`[demo] no fake for ${missing.join(', ')}: these refuse every call`);

  sandbox.replace(appExtensions, 'requestHooks', [extension?.door ?? readOnlyGuardHook, ...appExtensions.requestHooks]);
  sandbox.replace(appExtensions, 'serverHooks', [...appExtensions.serverHooks, refuseUpgrades]);
  sandbox.replace(
    appExtensions,
    'identifyVisitor',
    extension ? (args: { call?: HttpCall; address: string }) => extension.identifyVisitor() ?? visitorOf(args) : visitorOf,
  );
  sandbox.replace(appExtensions, 'defaultRateLimit', DEMO_RATE_LIMIT);
  if (extension) sandbox.replace(appExtensions, 'endpoints', [...appExtensions.endpoints, ...extension.endpoints]);
  // The world moves with the clock, so a log can grow while followed; pinned, it never will.
  sandbox.replace(appExtensions, 'logFollowSeconds', process.env.SKYPILOT_NOW ? 0 : 600);
  sandbox.replace(appExtensions, 'healthFields', () => ({ world: { ...baseWorld.current().fingerprint } }));
  const injection = extension?.officialHtmlInjection;
  if (injection) sandbox.replace(appExtensions, 'officialHtmlInjection', () => injection);
  return {
    sandbox,
    fakes,
    refused,
    missing,
    fixtures,
    world,
    extension,
    restore: () => {
      sandbox.restore();
      void extension?.close();
    },
  };
}
