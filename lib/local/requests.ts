/** Request schemas of the local-only routes (never deployed): tokens and the service clock. */
import * as z from '#zod';
import { text } from '../../functions/core/requests.ts';

export const TokenRequest = z.strictObject({
  accountId: text(1, 100),
  scopes: z.optional(z.array(text(1, 100)).check(z.maxLength(20))),
  sub: z.optional(text(1, 100)),
});

export const ClockRequest = z.strictObject({ offsetSeconds: z.number() });
