/**
 * Recipes (the dashboard's Recipes page): the list with upstream's filters (pinned only, the caller's
 * own only, one type), and one recipe by name.
 */
import { globalUserState } from '../state/globalUserState';
import type { Recipe } from '../state/records';
import type { RecipeType } from '../vocab/statuses';
import type { OpContext } from './opContext';

export interface RecipeRecord {
  name: string;
  description: string | null;
  content: string;
  recipe_type: RecipeType;
  pinned: boolean;
  user_id: string | null;
  user_name: string | null;
  created_at: number;
  updated_at: number;
  /** Who last edited it: upstream leaves both null until someone does (the page falls back to the author). */
  updated_by_id: string | null;
  updated_by_name: string | null;
  /** Upstream's built-in recipes are neither; every recipe here is a user's, so both, as upstream. */
  is_editable: boolean;
  is_pinnable: boolean;
}

function toRecord(r: Recipe): RecipeRecord {
  return {
    name: r.name,
    description: r.description,
    content: r.content,
    recipe_type: r.recipeType,
    pinned: r.pinned,
    user_id: r.userHash,
    user_name: r.userName,
    created_at: Math.floor(r.createdAt),
    updated_at: Math.floor(r.updatedAt),
    updated_by_id: null,
    updated_by_name: null,
    is_editable: true,
    is_pinnable: true,
  };
}

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
    .map(toRecord);
}

/** The recipe, or null when there is none by that name (the page shows "not found"). */
export async function getRecipe(input: { recipe_name: string }): Promise<RecipeRecord | null> {
  const recipe = (await globalUserState.getRecipes()).find((r) => r.name === input.recipe_name);
  return recipe ? toRecord(recipe) : null;
}
