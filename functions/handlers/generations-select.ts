import * as z from 'zod';
import { select } from '../core/generations.ts';
import { SelectRequest } from '../core/schemas.ts';
import { httpHandler, ok } from '../http/handler.ts';
import { compose } from '../composition/compose.ts';
import { creditStore } from '../composition/credit-store.ts';
import { generationStore } from '../composition/generation-store.ts';
import { imageFeature } from '../composition/image-feature.ts';

/** The ports this function uses: its bundle carries these adapters and its environment schema their keys. */
export const composition = compose('generations-select', [creditStore, generationStore, imageFeature]);
const deps = composition.deps;

export const handler = httpHandler({ deps, params: z.object({ id: z.string().min(1).max(100) }), body: SelectRequest }, async ({ caller, params, body }, deps) =>
  ok(await select(deps, caller.accountId, params.id, body.index)),
);
