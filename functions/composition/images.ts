import type { Env } from '../env.ts';
import type { ImageModel } from '../core/images.ts';
import { BedrockImageModel } from '../adapters/image-bedrock.ts';
import { OfflineImageModel } from '../adapters/image-offline.ts';
import type { Port } from './compose.ts';
import { imageFeature } from './image-feature.ts';

/**
 * The image model of `AI_PROVIDER`, built on the first enhancement. Its adapters need sharp, a native
 * module each function gets from a layer, and load it themselves on first use (`sharp.ts`), so nothing
 * loads sharp at cold start. The adapters are imported statically: a lazily imported module that
 * builds zod schemas makes esbuild keep all of zod's exports, every locale included.
 */
function imageModel(env: Env): ImageModel {
  let model: Promise<ImageModel> | undefined;
  const load = async (): Promise<ImageModel> => {
    if (env.AI_PROVIDER === 'bedrock') return BedrockImageModel.fromEnv(env);
    return new OfflineImageModel();
  };
  return {
    async enhance(input, opts) {
      model ??= load();
      // A failed load (no sharp) is not cached: the next request tries again.
      model.catch(() => (model = undefined));
      return (await model).enhance(input, opts);
    },
  };
}

export const images: Port<'images'> = {
  name: 'images',
  provides: ['images'],
  env: ['AI_PROVIDER', 'BEDROCK_IMAGE_MODEL_ID', 'BEDROCK_IMAGE_REGION', 'BEDROCK_ENDPOINT', 'MODEL_TIME_BUDGET_MS'],
  access: ['bedrock:invoke'],
  needs: [imageFeature],
  build: (env) => ({ images: imageModel(env) }),
};
