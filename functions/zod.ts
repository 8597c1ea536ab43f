/**
 * The zod every module in functions/ (and lib/, the tests) builds its schemas with: zod/mini, the
 * function-call flavour (`z.optional(s)`, `s.check(z.minLength(1))`), whose parts tree-shake. Classic
 * zod's methods all live on each schema's prototype, so one classic import brings all of it (~95 KB
 * of a function's bundle, against ~40 KB for the same schemas in mini); test/infra/bundles-load.test.ts
 * fails if a bundle carries classic zod again.
 *
 * Classic zod installs the English messages on its own; mini has none until configured. The messages
 * reach clients in 400 bodies, so English is configured here, once, before any module can build a
 * schema (every one imports zod from here). Only the English locale is imported: `z.locales` as a
 * whole would put every language in every bundle.
 */
import { config } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

config(en());

export * from 'zod/mini';
