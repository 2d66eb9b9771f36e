/**
 * The floors of src/, lowest first (docs/architecture.md draws them). A file may import its own floor
 * and the floors below, never one above; the client side (the typed client, the CLI, the dashboard's
 * pages) is a second stack on the same words, and imports nothing of the server's.
 */
export interface Floor {
  name: string;
  /** Paths relative to src/, with `/` separators: a folder ends with `/`. */
  paths: string[];
  /** On the client side: may import the words and the client side only. */
  client?: true;
}

export const FLOORS: Floor[] = [
  { name: 'words', paths: ['vocab/', 'common/', 'version.ts', 'api/wireTypes.ts'] },
  { name: 'errors', paths: ['errors.ts'] },
  { name: 'db', paths: ['db/'] },
  { name: 'state', paths: ['state/'] },
  { name: 'wire', paths: ['pickle/', 'api/'] },
  { name: 'infra', paths: ['infra/'] },
  { name: 'requests', paths: ['requests/'] },
  { name: 'observability', paths: ['observability/'] },
  { name: 'http', paths: ['http/'] },
  { name: 'operations', paths: ['operations/'] },
  { name: 'routes', paths: ['routes/', 'dashboard/dashboardRouter.ts', 'dashboard/compressedFiles.ts', 'dashboard/officialRedirects.ts'] },
  { name: 'app', paths: ['appExtensions.ts', 'app.ts', 'serverConfig.ts', 'startServer.ts', 'runServer.ts', 'server.ts'] },
  { name: 'living world', paths: ['living/'] },
  { name: 'demo', paths: ['demo/'] },
  { name: 'sessions', paths: ['sessions/'] },
  { name: 'client', paths: ['client/'], client: true },
  { name: 'cli', paths: ['cli/'], client: true },
  { name: 'dashboard pages', paths: ['dashboard/ui/'], client: true },
];

/** The floor of a file (relative to src/), the most specific path winning; -1 when none names it. */
export function floorOf(file: string): number {
  const rel = file.split('\\').join('/');
  let best = -1;
  let bestLength = -1;
  FLOORS.forEach((floor, i) => {
    for (const p of floor.paths) {
      const hit = p.endsWith('/') ? rel.startsWith(p) : rel === p;
      if (hit && p.length > bestLength) {
        best = i;
        bestLength = p.length;
      }
    }
  });
  return best;
}

/** Why importing `to` from `from` breaks the floors, or null when it does not. */
export function floorProblem(from: string, to: string): string | null {
  const a = floorOf(from);
  const b = floorOf(to);
  if (a < 0 || b < 0) return `${a < 0 ? from : to} is on no floor (tests/structure/layers.ts)`;
  if (FLOORS[a].client && b !== 0 && !FLOORS[b].client) return `${from} (client side) imports the server's ${to}`;
  if (!FLOORS[a].client && FLOORS[b].client) return `${from} imports the client side's ${to}`;
  if (b > a) return `${from} (${FLOORS[a].name}) imports ${to} (${FLOORS[b].name}), a floor above`;
  return null;
}
