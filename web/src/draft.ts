/** A draft's versions and where each came from (components/Draft.tsx holds the editor). */
import type { FeatureId, Generation, VariantByFeature } from './types.ts';

/** Where a draft's value came from: a generation's variant, unchanged (null: typed or edited). */
export interface DraftOrigin {
  generationId: string;
  index: number;
}

export interface DraftEntry<V> {
  value: V;
  origin: DraftOrigin | null;
}

/**
 * The variant of a new generation that takes the draft's place after Try again: the same option as
 * before when it is there (and not locked), else the first one.
 */
export function variantAfterRetry<F extends FeatureId>(gen: Generation<F>, index: number | undefined): VariantByFeature[F] | null {
  const open = gen.variants.filter((v): v is Extract<typeof v, { locked?: undefined }> => !v.locked) as Array<VariantByFeature[F]>;
  return open.find((v) => v.index === index) ?? open[0] ?? null;
}

