import { getBrandVoice } from '../core/brand-voice.ts';
import { httpHandler } from '../http/handler.ts';
import { compose } from '../composition/compose.ts';
import { voiceStore } from '../composition/voice-store.ts';
import route from '../routes/brand-voice-get.ts';

/** The ports this function uses: its bundle carries these adapters and its environment schema their keys. */
export const composition = compose('brand-voice-get', [voiceStore]);

export const handler = httpHandler(route, composition, async ({ caller }, deps) => await getBrandVoice(deps, caller.accountId));
