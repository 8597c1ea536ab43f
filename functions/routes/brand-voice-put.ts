import * as z from '#zod';
import { BrandVoiceRequest, VOICE_LIMITS } from '../core/brand-voice.ts';
import { BrandVoiceShape } from './shapes/brand-voice.ts';
import { route } from './route.ts';

const L = VOICE_LIMITS;

export default route({
  functionId: 'brand-voice-put',
  method: 'PUT',
  path: '/v1/brand-voice',
  auth: 'jwt',
  body: BrandVoiceRequest.clone().register(z.globalRegistry, {
    id: 'BrandVoiceRequest',
    description:
      `Replaces the voice (a field left out returns to its default). \`tone\` one of the tones, \`language\` \`en\` or \`fil\`, \`audience\` 1–${L.audienceMaxChars} characters, ` +
      `\`avoidWords\` at most ${L.avoidWordsMax} single words (1–${L.avoidWordMaxChars} characters, unique ignoring case), \`alwaysMention\` at most ${L.alwaysMentionMax} phrases ` +
      `(1–${L.mentionMaxChars} characters, unique ignoring case, none containing an avoided word). Free, on every plan.`,
  }),
  success: { status: 200, schema: BrandVoiceShape, description: 'The voice as stored; generations use it within 30 seconds.' },
  summary: "Set the account's brand voice",
  tag: 'brand-voice',
});
