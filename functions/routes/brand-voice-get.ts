import { BrandVoiceShape } from './shapes/brand-voice.ts';
import { route } from './route.ts';

export default route({
  functionId: 'brand-voice-get',
  method: 'GET',
  path: '/v1/brand-voice',
  auth: 'jwt',
  success: { status: 200, schema: BrandVoiceShape, description: 'The account\'s brand voice, or the default one (`updatedAt: null`) when never set.' },
  summary: "The account's brand voice",
  tag: 'brand-voice',
});
