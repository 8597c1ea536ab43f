/**
 * The plan and feature catalog (`GET /v1/catalog`): the configuration module's plans, features and
 * packs as the API states them, so a page or an integration reads costs, labels, variant counts and
 * what each plan may do from the service instead of copying them.
 */
import { FEATURE_IDS, FEATURES, PLAN_IDS, PLANS, TOP_UP_PACKS, type FeatureId, type PlanId } from '../config.ts';

export interface CatalogView {
  plans: Array<{
    id: PlanId;
    label: string;
    monthlyAllowance: number;
    /** What the plan may do, by name (never inferred from the plan being paid). */
    capabilities: { topUp: boolean; allVariants: boolean };
    features: FeatureId[];
  }>;
  features: Array<{ id: FeatureId; label: string; cost: number; variants: number; freeVariants: number; requiresProduct: boolean; plans: PlanId[] }>;
  packs: typeof TOP_UP_PACKS;
}

export function catalogView(): CatalogView {
  return {
    plans: PLAN_IDS.map((id) => ({
      id,
      label: PLANS[id].label,
      monthlyAllowance: PLANS[id].monthlyAllowance,
      capabilities: { ...PLANS[id].capabilities },
      features: FEATURE_IDS.filter((f) => FEATURES[f].plans.includes(id)),
    })),
    features: FEATURE_IDS.map((id) => ({
      id,
      label: FEATURES[id].label,
      cost: FEATURES[id].cost,
      variants: FEATURES[id].variants,
      freeVariants: FEATURES[id].freeSelectableVariants,
      requiresProduct: FEATURES[id].requiresProduct,
      plans: [...FEATURES[id].plans],
    })),
    packs: TOP_UP_PACKS,
  };
}
