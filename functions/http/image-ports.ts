/**
 * Imported for its effect by the handlers of functions with uploads access, the only ones the CDK
 * stack gives the sharp layer: provides deps.ts with the image model of `AI_PROVIDER` (the offline
 * sharp enhancer, or Stable Image Remove Background on Bedrock) and registers the `image_enhancement` feature.
 */
import { BedrockImageModel } from '../adapters/image-bedrock.ts';
import { OfflineImageModel } from '../adapters/image-offline.ts';
import { registerFeature } from '../core/features.ts';
import { imageEnhancement } from '../core/image-feature.ts';
import { provideImageModel } from './deps.ts';

provideImageModel((env) => (env.AI_PROVIDER === 'bedrock' ? BedrockImageModel.fromEnv(env) : new OfflineImageModel()));
registerFeature('image_enhancement', imageEnhancement);
