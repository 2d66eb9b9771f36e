/** Recipe endpoints (scheduled, as upstream's recipes router): the list and one recipe. */
import { z } from 'zod';
import { type Endpoint, scheduledEndpoint } from '../http/endpoint';
import { baseBody, optionalFlag } from '../http/validate';
import * as recipes from '../operations/recipes';
import { RECIPE_TYPES } from '../vocab/statuses';

export const recipeEndpoints: Endpoint[] = [
  scheduledEndpoint('POST', '/recipes/list', {
    role: 'viewer',
    name: 'sky.recipes.list',
    effect: 'read',
    schema: z.looseObject({
      ...baseBody,
      pinned_only: optionalFlag,
      my_recipes_only: optionalFlag,
      recipe_type: z.enum(RECIPE_TYPES).nullish(),
    }),
    run: recipes.listRecipes,
  }),
  scheduledEndpoint('POST', '/recipes/get', {
    role: 'viewer',
    name: 'sky.recipes.get',
    effect: 'read',
    schema: z.looseObject({ ...baseBody, recipe_name: z.string().min(1).max(256) }),
    run: recipes.getRecipe,
  }),
];
