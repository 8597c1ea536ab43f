import { registerFeature } from '../core/features.ts';
import { imageEnhancement } from '../core/image-feature.ts';
import type { Port } from './compose.ts';
import { uploads } from './uploads.ts';

// Imported by the functions that read or write image generations: the feature joins the registry.
registerFeature('image_enhancement', imageEnhancement);

/** `image_enhancement` generations: viewing and selecting them needs the uploads bucket only. */
export const imageFeature: Port<never> = {
  name: 'image-feature',
  provides: [],
  env: [],
  access: ['uploads:read', 'results:read', 'results:write', 'selected:read', 'selected:write'],
  needs: [uploads],
  build: () => ({}),
};
