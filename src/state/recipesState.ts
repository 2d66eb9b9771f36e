/** Recipes (SkyPilot's recipe store): saved task YAMLs that users share; admins pin them. */
import type { RecipeType } from '../vocab/statuses';
import { ownedRows } from './ownedRows';
import type { Recipe } from './records';
import type { StateContext } from './stateContext';
import { upsertRow } from './upsertRow';

export function createRecipesState(ctx: StateContext) {
  return {
    /** Pinned first, then by name, with each owner's name. */
    async getRecipes(): Promise<Recipe[]> {
      const rows = await ownedRows(await ctx.read(), 'recipes', [
        ['pinned', 'desc'],
        ['name', 'asc'],
      ]);
      return rows.map((r) => ({
        name: r.name,
        description: r.description,
        content: r.content,
        recipeType: r.recipe_type as RecipeType,
        pinned: r.pinned === 1,
        userHash: r.user_hash,
        userName: r.user_name,
        createdAt: r.created_at,
        updatedAt: r.updated_at,
      }));
    },

    async upsertRecipe(recipe: Omit<Recipe, 'userName'>): Promise<void> {
      const values = {
        description: recipe.description,
        content: recipe.content,
        recipe_type: recipe.recipeType,
        pinned: recipe.pinned ? 1 : 0,
        updated_at: recipe.updatedAt,
      };
      const row = { name: recipe.name, user_hash: recipe.userHash, created_at: recipe.createdAt, ...values };
      await ctx.write((trx) => upsertRow(trx, 'recipes', 'name', row, values));
    },
  };
}

export type RecipesState = ReturnType<typeof createRecipesState>;
