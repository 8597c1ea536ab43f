import type { Env } from '../config.ts';
import type { ImageModel } from '../core/images.ts';
import type { Port } from './compose.ts';
import { imageFeature } from './image-feature.ts';

/**
 * The image model of `AI_PROVIDER`. Its adapters need sharp, a native module each function gets from
 * a layer; they are imported on the first enhancement, so nothing loads sharp at cold start.
 */
function imageModel(env: Env): ImageModel {
  let model: Promise<ImageModel> | undefined;
  const load = async (): Promise<ImageModel> => {
    if (env.AI_PROVIDER === 'bedrock') return (await import('../adapters/image-bedrock.ts')).BedrockImageModel.fromEnv(env);
    return new (await import('../adapters/image-offline.ts')).OfflineImageModel();
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
