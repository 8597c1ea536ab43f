import { regenerate } from '../core/generations.ts';
import { httpHandler, Reply } from '../http/handler.ts';
import { rateLimitHeaders } from '../http/rate-limit-headers.ts';
import { compose } from '../composition/compose.ts';
import { creditStoreWithAutoTopUp } from '../composition/auto-top-up.ts';
import { billingStore } from '../composition/billing-store.ts';
import { generationStore } from '../composition/generation-store.ts';
import { idempotency } from '../composition/idempotency.ts';
import { images } from '../composition/images.ts';
import { rateStore } from '../composition/rate-store.ts';
import { textModelPort } from '../composition/text-model.ts';
import { cachedVoiceStore } from '../composition/voice-store.ts';
import route from '../routes/generations-regenerate.ts';

/** The ports this function uses: its bundle carries these adapters and its environment schema their keys. */
export const composition = compose('generations-regenerate', [creditStoreWithAutoTopUp, billingStore, rateStore, generationStore, textModelPort, cachedVoiceStore, images, idempotency]);

export const handler = httpHandler(route, composition, async ({ caller, params, idempotencyKey }, deps) => {
  const { generation, rate } = await regenerate(deps, caller.accountId, params.id, idempotencyKey);
  return new Reply(generation, rateLimitHeaders(rate));
});
