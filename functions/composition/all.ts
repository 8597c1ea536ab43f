/**
 * Every port at once: the local stack's own routes, tests and benchmarks, which seed and inspect the
 * same tables the functions use. Never imported by a handler (it would put every adapter in its bundle).
 */
import { billingStore } from './billing-store.ts';
import { blogStore } from './blog-store.ts';
import { capStore } from './cap-store.ts';
import { compose, type Composition, type Port } from './compose.ts';
import { creditStoreWithEverything } from './due-index.ts';
import { events } from './events.ts';
import { generationStore } from './generation-store.ts';
import { jobStore } from './job-store.ts';
import { idempotency } from './idempotency.ts';
import { images } from './images.ts';
import { rateStore } from './rate-store.ts';
import { scheduler } from './scheduler.ts';
import { textModelPort } from './text-model.ts';
import { uploads } from './uploads.ts';
import { usageStore } from './usage-store.ts';
import { contentHistory } from './content-history.ts';
import { webhookSecrets } from './webhook-secrets.ts';
import { voiceStore } from './voice-store.ts';

/** Every port; the credit store with every balance attribute (auto top-up, job holds), as the local tools need. */
export const ALL_PORTS: readonly Port<any>[] = [creditStoreWithEverything, rateStore, billingStore, generationStore, blogStore, capStore, idempotency, textModelPort, uploads, images, scheduler, events, webhookSecrets, usageStore, contentHistory, voiceStore, jobStore];

export function composeAll(source: NodeJS.ProcessEnv = process.env): Composition {
  return compose('local', ALL_PORTS, ['CHECKOUT_BASE_URL'], source);
}
