/**
 * What a launched recipe's job shows in `sky queue` (its name and `1x[H100:1]`), read from the
 * recipe's YAML: the task's own name, else the recipe's; its accelerators, else its CPUs (`4+` shown
 * as 4), else one CPU. A recipe edited into bad YAML still launches under its own name. The parse is
 * kept per text, so asking again (every session world, every second) gives the same answer.
 */
import { taskSummary } from '../../src/sessions/launchedCluster';
import type { Recipe } from '../../src/state/records';

const recipe = (name: string, content: string): Recipe =>
  ({ name, description: null, content, recipeType: 'cluster', pinned: false, userHash: null, userName: null, createdAt: 0 }) as Recipe;

describe('a launched recipe’s task summary', () => {
  it.each([
    [
      'name and accelerators',
      recipe('r', 'name: train\nresources:\n  accelerators: H100:8\n'),
      1,
      { jobName: 'train', resources: '1x[H100:8]' },
    ],
    ['CPUs with a plus', recipe('r', 'name: etl\nresources:\n  cpus: 4+\n'), 2, { jobName: 'etl', resources: '2x[CPU:4]' }],
    ['CPUs as a number', recipe('r', 'resources:\n  cpus: 16\n'), 1, { jobName: 'r', resources: '1x[CPU:16]' }],
    ['no resources, no name', recipe('serve', 'run: echo hi\n'), 3, { jobName: 'serve', resources: '3x[CPU:1]' }],
    ['an empty name', recipe('fallback', 'name: ""\n'), 1, { jobName: 'fallback', resources: '1x[CPU:1]' }],
    ['bad YAML', recipe('broken', 'name: [unclosed\n  : :\n'), 1, { jobName: 'broken', resources: '1x[CPU:1]' }],
    ['an empty recipe', recipe('empty', ''), 1, { jobName: 'empty', resources: '1x[CPU:1]' }],
  ])('%s', (_what, r, nodes, expected) => {
    expect(taskSummary(r, nodes)).toEqual(expected);
    // Asked again (the parse kept): the same answer, and another node count is its own.
    expect(taskSummary(r, nodes)).toEqual(expected);
    expect(taskSummary(r, nodes + 1).resources).toBe(expected.resources.replace(/^\d+x/, `${nodes + 1}x`));
  });

  it('no recipe at all: a task on one CPU', () => {
    expect(taskSummary(undefined, 1)).toEqual({ jobName: 'task', resources: '1x[CPU:1]' });
  });

  it('two recipes with one text but different names each keep their own name when the task has none', () => {
    expect(taskSummary(recipe('a', 'run: x\n'), 1).jobName).toBe('a');
    expect(taskSummary(recipe('b', 'run: x\n'), 1).jobName).toBe('b');
  });
});
