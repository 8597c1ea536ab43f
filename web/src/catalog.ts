/**
 * Reading the plan and feature catalog (`GET /v1/catalog`, loaded once at start into the store): labels,
 * costs, variant counts, limits and what each plan may do come from the service, never from a copy in
 * the page. The pages render only once it is loaded (App), so they read it as present.
 */
import { getState, useAppState } from './store.ts';
import type { Catalog, CatalogFeature, CatalogPlan, FeatureId, PlanId } from './types.ts';

/** The catalog, for a component under App's gate. */
export function useCatalog(): Catalog {
  const catalog = useAppState((s) => s.catalog);
  if (!catalog) throw new Error('The catalog was read before it was loaded: only App’s pages may read it.');
  return catalog;
}

/** The catalog outside a component (actions, formatting); null before it is loaded. */
export function currentCatalog(): Catalog | null {
  return getState().catalog;
}

export function planOf(catalog: Catalog | null, id: PlanId): CatalogPlan | undefined {
  return catalog?.plans.find((p) => p.id === id);
}

/** The plan's name as merchants read it; its id until the catalog is known. */
export function planLabel(catalog: Catalog | null, id: PlanId): string {
  return planOf(catalog, id)?.label ?? id;
}

export function featureOf(catalog: Catalog, id: FeatureId): CatalogFeature {
  const feature = catalog.features.find((f) => f.id === id);
  if (!feature) throw new Error(`The catalog has no feature "${id}".`);
  return feature;
}

/** Whether the plan may use the feature (unknown plan: no). */
export function planHasFeature(catalog: Catalog, plan: PlanId | undefined, feature: FeatureId): boolean {
  return plan !== undefined && (planOf(catalog, plan)?.features.includes(feature) ?? false);
}

/** A label as it reads mid-sentence: "Blog posts" → "blog posts", while "SEO meta tags" keeps its capitals. */
export function inSentence(label: string): string {
  return /^[A-Z][A-Z]/.test(label) ? label : label.charAt(0).toLowerCase() + label.slice(1);
}

/** The plans that include the feature, in the catalog's order. */
export function plansWith(catalog: Catalog, feature: FeatureId): CatalogPlan[] {
  return catalog.plans.filter((p) => p.features.includes(feature));
}

/** Whether some plan lacks the feature (it then wears a "Paid plans" badge and may need an upgrade). */
export function notOnEveryPlan(catalog: Catalog, feature: FeatureId): boolean {
  return plansWith(catalog, feature).length < catalog.plans.length;
}

/** "the Plus, Pro and Premium plans": the plans that give the feature all its variants. */
export function plansGivingAll(catalog: Catalog, feature: FeatureId): string {
  const names = plansWith(catalog, feature)
    .filter((p) => p.capabilities.allVariants)
    .map((p) => p.label);
  return `the ${joinNames(names)} ${names.length === 1 ? 'plan' : 'plans'}`;
}

/** "a, b and c". */
export function joinNames(names: readonly string[]): string {
  return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

const WORDS = ['no', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten'];

/** A count as copy writes it: "two" (digits past ten). */
export function countWord(n: number): string {
  return WORDS[n] ?? String(n);
}
