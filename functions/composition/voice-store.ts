import { DynamoVoiceStore } from '../adapters/dynamo-voice-store.ts';
import { serviceClock } from '../core/clock.ts';
import { tablePort } from './dynamo.ts';

/** Brand voices (the account's `VOICE` item), cached briefly in the process. */
export const voiceStore = tablePort('voice-store', ['voices'], (doc, table) => ({ voices: new DynamoVoiceStore(doc, table, serviceClock) }));
