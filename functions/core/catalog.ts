/**
 * The plan and feature catalog (`GET /v1/catalog`): the configuration module's plans, features, packs
 * and the limits a merchant's page must respect, as the API states them, so a page or an integration
 * reads costs, labels, variant counts, limits and what each plan may do from the service instead of
 * copying them. Every value is read from where the rule is enforced, never restated here.
 */
import { FEATURE_IDS, FEATURES, LIMITS, PLAN_IDS, PLANS, TOP_UP_PACKS, type FeatureId, type PlanCapabilities, type PlanId, type Price, type TopUpPack } from '../config.ts';
import { IMAGE_LIMITS, UPLOAD_CONTENT_TYPES, type UploadContentType } from './images.ts';
import { OUTPUT_LIMITS } from './model.ts';

export interface CatalogPlan {
  id: PlanId;
  label: string;
  monthlyAllowance: number;
  /** What the plan may do, by name (never inferred from the plan being paid). */
  capabilities: PlanCapabilities;
  features: FeatureId[];
}

export interface CatalogFeature {
  id: FeatureId;
  /** Its name, plural ("Blog posts"). */
  label: string;
  /** One generation of it ("Blog post"). */
  shortLabel: string;
  cost: number;
  variants: number;
  freeVariants: number;
  requiresProduct: boolean;
  plans: PlanId[];
}

export interface CatalogLimits {
  /** What every `seo_meta` variant keeps within (search engines cut longer ones). */
  seo: { titleMaxChars: number; descriptionMaxChars: number };
  /** `POST /v1/uploads`: the photo types accepted and the largest file. */
  upload: { contentTypes: UploadContentType[]; maxBytes: number };
  /** `GET /v1/credits/ledger?limit=`: the page size without one, and the largest accepted. */
  ledgerPage: { default: number; max: number };
  /** A product's input (the product form): name, category, features/keywords lists and notes. */
  productInput: typeof LIMITS.productInput;
}

export interface CatalogView {
  plans: CatalogPlan[];
  features: CatalogFeature[];
  packs: TopUpPack[];
  limits: CatalogLimits;
}

export function catalogView(): CatalogView {
  return {
    plans: PLAN_IDS.map((id) => ({
      id,
      label: PLANS[id].label,
      monthlyAllowance: PLANS[id].monthlyAllowance,
      monthlyPrice: { ...PLANS[id].monthlyPrice },
      capabilities: { ...PLANS[id].capabilities },
      features: FEATURE_IDS.filter((f) => FEATURES[f].plans.includes(id)),
    })),
    features: FEATURE_IDS.map((id) => ({
      id,
      label: FEATURES[id].label,
      shortLabel: FEATURES[id].shortLabel,
      cost: FEATURES[id].cost,
      variants: FEATURES[id].variants,
      freeVariants: FEATURES[id].freeSelectableVariants,
      requiresProduct: FEATURES[id].requiresProduct,
      plans: [...FEATURES[id].plans],
    })),
    packs: TOP_UP_PACKS.map((p) => ({ ...p, price: { ...p.price } })),
    limits: {
      seo: { titleMaxChars: OUTPUT_LIMITS.seoTitleMaxChars, descriptionMaxChars: OUTPUT_LIMITS.seoDescriptionMaxChars },
      upload: { contentTypes: [...UPLOAD_CONTENT_TYPES], maxBytes: IMAGE_LIMITS.maxUploadBytes },
      ledgerPage: { default: LIMITS.ledgerPageDefault, max: LIMITS.ledgerPageMax },
      productInput: { ...LIMITS.productInput },
    },
  };
}
