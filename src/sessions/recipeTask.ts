/**
 * Which of the demo's recipes a launch's task is. A task arrives in one of three forms:
 * - `recipes:<name>`, as our own client and the API's simplest callers send it;
 * - the recipe's YAML as the recipe page shows it;
 * - the official CLI's dump of the task it built from that YAML (`sky launch recipes:<name>` fetches
 *   the recipe with POST /recipes/get, then sends `dump_dag_to_yaml_str(dag)` to /validate, /optimize
 *   and /launch): a multi-document YAML, a `{name}` header then one document per task, each task
 *   carrying the text it was loaded from as `_user_specified_yaml`. That text is the recipe's, so it
 *   names it; a task without it matches by its `run` and `setup` commands, which the dump keeps.
 * Anything else names no recipe. The input is bounded by the endpoints' schema (64 KiB).
 */
import { parseAllDocuments } from 'yaml';

export interface RecipeText {
  name: string;
  content: string;
}

type TaskConfig = { _user_specified_yaml?: unknown; run?: unknown; setup?: unknown };

function parsed(text: string): unknown[] {
  try {
    return parseAllDocuments(text).flatMap((doc) => (doc.errors.length ? [] : [doc.toJS({ maxAliasCount: 10 })]));
  } catch {
    return [];
  }
}

function asTask(value: unknown): TaskConfig | null {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as TaskConfig) : null;
}

const trimmed = (v: unknown) => (typeof v === 'string' ? v.trim() : v == null ? null : undefined);

/** The recipe a task document was built from, by the text it was loaded from or its commands. */
function recipeOfDocument(task: TaskConfig, recipes: readonly RecipeText[]): string | null {
  if (typeof task._user_specified_yaml === 'string') {
    const text = task._user_specified_yaml.trim();
    return recipes.find((r) => r.content.trim() === text)?.name ?? null;
  }
  if (typeof task.run !== 'string') return null;
  const matches = recipes.filter((r) => {
    const recipe = asTask(parsed(r.content)[0]);
    return recipe !== null && trimmed(recipe.run) === trimmed(task.run) && trimmed(recipe.setup) === trimmed(task.setup);
  });
  return matches.length === 1 ? matches[0].name : null;
}

/** The name of the recipe `task` is, or null. A multi-task DAG is no single recipe. */
export function recipeOfTask(task: string, recipes: readonly RecipeText[]): string | null {
  const ref = /^recipes:([\w.-]+)$/.exec(task.trim());
  if (ref) return recipes.some((r) => r.name === ref[1]) ? ref[1] : null;
  const exact = recipes.find((r) => r.content.trim() === task.trim());
  if (exact) return exact.name;
  const docs = parsed(task).map(asTask);
  // A dumped chain DAG: the header (only `name`), then the tasks.
  const header = docs[0];
  const tasks = header && Object.keys(header).every((k) => k === 'name') && docs.length > 1 ? docs.slice(1) : docs;
  if (tasks.length !== 1 || tasks[0] === null) return null;
  return recipeOfDocument(tasks[0], recipes);
}
