/**
 * Recipes (the dashboard's Recipes page): the list with upstream's filters (pinned only, the caller's
 * own only, one type), and one recipe by name.
 */
import { toRecipeRecord } from '../api/wireRecords';
import type { RecipeRecord } from '../api/wireTypes';
import { globalUserState } from '../state/globalUserState';
import type { RecipeType } from '../vocab/statuses';
import type { OpContext } from './opContext';

export async function listRecipes(
  input: { pinned_only?: boolean | null; my_recipes_only?: boolean | null; recipe_type?: RecipeType | null },
  ctx: OpContext,
): Promise<RecipeRecord[]> {
  const recipes = await globalUserState.getRecipes();
  return recipes
    .filter(
      (r) =>
        (!input.pinned_only || r.pinned) &&
        (!input.my_recipes_only || r.userHash === ctx.caller.identity.id) &&
        (!input.recipe_type || r.recipeType === input.recipe_type),
    )
    .map(toRecipeRecord);
}

/** The recipe, or null when there is none by that name (the page shows "not found"). */
export async function getRecipe(input: { recipe_name: string }): Promise<RecipeRecord | null> {
  const recipe = (await globalUserState.getRecipes()).find((r) => r.name === input.recipe_name);
  return recipe ? toRecipeRecord(recipe) : null;
}
