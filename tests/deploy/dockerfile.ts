/**
 * The Dockerfile read as its stages, and the build context as .dockerignore lets it through, for the
 * tests that check the image without a Docker engine (none runs where this project is tested).
 * Parsing is dockerfile-ast's (the parser behind VS Code's Dockerfile support), not a regex of ours.
 */
import fs from 'node:fs';
import path from 'node:path';
import dockerignore from '@balena/dockerignore';
import { DockerfileParser, type Instruction } from 'dockerfile-ast';

export const ROOT = path.resolve(__dirname, '..', '..');

export interface Step {
  keyword: string;
  /** Whitespace-separated arguments, flags excluded. */
  args: string[];
  /** `--from=deps` and the like. */
  flags: Record<string, string>;
  /** The exec form's strings (`CMD ["node", ...]`), else null. */
  json: string[] | null;
  /** Arguments as one line, continuations joined: what `RUN` hands to `sh -c`. */
  text: string;
}

export interface Stage {
  name: string;
  /** An earlier stage's name, or an image reference (build args expanded). */
  from: string;
  steps: Step[];
}

interface Flagged {
  getFlags(): { getName(): string; getValue(): string | null }[];
}
interface JsonForm {
  getJSONStrings(): { getJSONValue(): string }[];
}

function stepOf(instruction: Instruction): Step {
  const flags: Record<string, string> = {};
  for (const flag of (instruction as unknown as Partial<Flagged>).getFlags?.() ?? []) flags[flag.getName()] = flag.getValue() ?? '';
  const strings = (instruction as unknown as Partial<JsonForm>).getJSONStrings?.() ?? [];
  return {
    keyword: instruction.getKeyword(),
    args: instruction.getArguments().map((a) => a.getValue()),
    flags,
    json: strings.length ? strings.map((s) => s.getJSONValue()) : null,
    text: (instruction.getArgumentsContent() ?? '').replace(/\s+/g, ' ').trim(),
  };
}

export function readDockerfile(text = fs.readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8')): Stage[] {
  const dockerfile = DockerfileParser.parse(text);
  const buildArgs = new Map(dockerfile.getInitialARGs().map((a) => [a.getProperty()?.getName() ?? '', a.getProperty()?.getValue() ?? '']));
  const expand = (value: string) => value.replace(/\$\{(\w+)\}|\$(\w+)/g, (_m, a: string, b: string) => buildArgs.get(a ?? b) ?? '');
  const stages: Stage[] = [];
  for (const instruction of dockerfile.getInstructions()) {
    const step = stepOf(instruction);
    if (step.keyword === 'FROM') {
      const [image, as, name] = step.args;
      if (as?.toUpperCase() !== 'AS' || !name) throw new Error(`Dockerfile: every stage needs a name (FROM ${step.text})`);
      stages.push({ name, from: expand(image), steps: [] });
    } else if (stages.length) {
      stages[stages.length - 1].steps.push(step);
    }
  }
  return stages;
}

export function stageNamed(stages: Stage[], name: string): Stage {
  const stage = stages.find((s) => s.name === name);
  if (!stage) throw new Error(`Dockerfile has no stage '${name}' (stages: ${stages.map((s) => s.name).join(', ')})`);
  return stage;
}

/** The stage and every stage it is built FROM, base first. */
export function lineage(stages: Stage[], name: string): Stage[] {
  const stage = stageNamed(stages, name);
  const parent = stages.find((s) => s.name === stage.from);
  return parent ? [...lineage(stages, parent.name), stage] : [stage];
}

/** Whether the build context (the repository filtered by .dockerignore) holds `relative`. */
export function contextHas(relative: string): boolean {
  const rules = fs.readFileSync(path.join(ROOT, '.dockerignore'), 'utf8').split('\n');
  const ignored = dockerignore().add(rules);
  const normalized = path.posix.normalize(relative).replace(/^\.\/|\/$/g, '');
  return fs.existsSync(path.join(ROOT, normalized)) && !ignored.ignores(normalized);
}

/** Every file under `relative` in the build context, as .dockerignore lets it through. */
export function contextFiles(relative: string): string[] {
  const rules = fs.readFileSync(path.join(ROOT, '.dockerignore'), 'utf8').split('\n');
  const ignored = dockerignore().add(rules);
  const walk = (rel: string): string[] => {
    const full = path.join(ROOT, rel);
    if (!fs.statSync(full).isDirectory()) return ignored.ignores(rel) ? [] : [rel];
    return fs.readdirSync(full).flatMap((entry) => walk(path.posix.join(rel, entry)));
  };
  return walk(path.posix.normalize(relative).replace(/^\.\/|\/$/g, ''));
}
