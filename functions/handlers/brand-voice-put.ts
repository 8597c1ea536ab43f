import { putBrandVoice } from '../core/brand-voice.ts';
import { httpHandler } from '../http/handler.ts';
import { compose } from '../composition/compose.ts';
import { voiceStore } from '../composition/voice-store.ts';
import route from '../routes/brand-voice-put.ts';

/** The ports this function uses: its bundle carries these adapters and its environment schema their keys. */
export const composition = compose('brand-voice-put', [voiceStore]);

export const handler = httpHandler(route, composition, async ({ caller, body }, deps) => await putBrandVoice(deps, caller.accountId, body));
