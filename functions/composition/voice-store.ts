import { DynamoVoiceStore, VOICE_CACHE_SECONDS } from '../adapters/dynamo-voice-store.ts';
import { serviceClock } from '../core/clock.ts';
import { tablePort } from './dynamo.ts';

/** Brand voices (the account's `VOICE` item), read and written as they are: the voice routes. */
export const voiceStore = tablePort('voice-store', ['voices'], (doc, table) => ({ voices: new DynamoVoiceStore(doc, table, serviceClock) }));

/** The same, each answer kept `VOICE_CACHE_SECONDS` in the process: the generation functions' hot path. */
export const cachedVoiceStore = tablePort('cached-voice-store', ['voices'], (doc, table) => ({
  voices: new DynamoVoiceStore(doc, table, serviceClock, VOICE_CACHE_SECONDS),
}));
