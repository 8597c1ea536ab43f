/** Response shapes of the API, as docs/contract.md states them (the fields this page reads). */
import type { FeatureId, PlanId } from '../../functions/config.ts';
import type { CatalogFeature, CatalogPlan, CatalogView } from '../../functions/core/catalog.ts';

// Types only (erased by the build): the page takes plans, features and limits from `GET /v1/catalog`.
export type { CatalogFeature, CatalogPlan, FeatureId, PlanId };
export type Catalog = CatalogView;

export type Tone = 'neutral' | 'friendly' | 'professional' | 'playful' | 'luxury';

export interface RuntimeConfig {
  mode: 'local' | 'aws';
  apiBaseUrl: string;
  /** Where the host platform takes a merchant to change plan (aws mode; optional). */
  upgradeUrl?: string;
}

export interface CreditsView {
  accountId: string;
  plan: PlanId;
  credits: { available: number; allowance: number; allowanceRemaining: number; purchased: number };
  period: { start: string; end: string };
  topUpAvailable: boolean;
  rateLimit?: {
    limit: number;
    remaining: number;
    windowResetAt: string | null;
    cooldownUntil: string | null;
  };
}

export type LedgerBucket = 'allowance' | 'purchased' | 'grant';

export interface LedgerItem {
  id: string;
  at: string;
  type: 'grant' | 'reset' | 'refresh' | 'charge' | 'refund' | 'top_up' | 'adjust' | 'expire';
  amount: number;
  /** One bucket per entry today; an entry that spans several lists them in `sources`. */
  bucket?: LedgerBucket;
  sources?: Array<{ bucket: LedgerBucket; id?: string; amount: number }>;
  balanceAfter: number;
  feature?: FeatureId;
  generationId?: string;
  topUpId?: string;
  grantId?: string;
  productId?: string;
  reason?: string;
}

export interface Page<T> {
  items: T[];
  nextCursor?: string | null;
}

export interface TextVariant {
  index: number;
  text?: string;
  locked?: boolean;
}
export interface SeoVariant {
  index: number;
  title: string;
  description: string;
  locked?: boolean;
}
export interface ImageVariant {
  index: number;
  imageUrl: string;
  width: number;
  height: number;
  operations: string[];
  locked?: boolean;
}
export interface BlogVariant {
  index: number;
  title: string;
  excerpt: string;
  bodyMarkdown: string;
  locked?: boolean;
}
export interface DesignSection {
  type: 'hero' | 'featured_products' | 'testimonials' | 'about' | 'newsletter' | 'faq';
  headline: string;
  body: string;
  cta?: string;
}
export interface DesignVariant {
  index: number;
  palette: { primary: string; secondary: string; accent: string; background: string; text: string };
  fonts: { heading: string; body: string };
  sections: DesignSection[];
  locked?: boolean;
}

export interface VariantByFeature {
  product_description: TextVariant;
  seo_meta: SeoVariant;
  image_enhancement: ImageVariant;
  blog_post: BlogVariant;
  website_design: DesignVariant;
}

export interface Generation<F extends FeatureId = FeatureId> {
  id: string;
  feature: F;
  productId?: string | null;
  variants: Array<VariantByFeature[F]>;
  selectedIndex: number | null;
  regeneratedFrom: string | null;
  creditsCharged: number;
  credits: { available: number };
  createdAt: string;
}

export interface ProductContent {
  productId: string;
  description: string | null;
  seo: { title: string; description: string } | null;
  image?: string | { imageUrl?: string; url?: string } | null;
}

export interface TopUpPack {
  id: string;
  credits: number;
  price: { amount: string; currency: string };
}

export interface TopUp {
  id: string;
  packId: string;
  credits: number;
  status: 'pending' | 'paid' | 'failed';
  checkoutUrl: string;
  createdAt: string;
}

export interface AppNotification {
  id: string;
  type: string;
  message: string;
  createdAt: string;
  readAt: string | null;
}

export interface BlogPost {
  id: string;
  title: string;
  status: 'scheduled' | 'published' | 'canceled' | string;
  publishAt: string;
  publishedAt?: string | null;
  /** The draft it was made from. */
  generationId: string;
  index: number;
}

export interface Upload {
  uploadId: string;
  uploadUrl: string;
  expiresAt: string;
}

/** The `error` member of every error response. */
export interface ApiErrorBody {
  code: string;
  message: string;
  action?: 'upgrade' | 'top_up';
  required?: number;
  available?: number;
  cooldownUntil?: string;
  retryAfterSeconds?: number;
  creditsRefunded?: number;
  issues?: Array<{ path: string; message: string }>;
}
