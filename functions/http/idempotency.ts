/**
 * Powertools idempotency for routes that honour `Idempotency-Key`, keyed by the scope the shared
 * middy stack (handler.ts) puts on the event. Built on first use so the persistence layer shares the
 * function's DynamoDB client. Reached through the idempotency port (composition/idempotency.ts),
 * so functions without that access do not carry it.
 */
import type middy from '@middy/core';
import { makeHandlerIdempotent } from '@aws-lambda-powertools/idempotency/middleware';
import { IdempotencyConfig } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { LIMITS } from '../config.ts';
import type { Deps } from '../composition/compose.ts';
import type { Event, HttpResult } from './event.ts';

/** Powertools idempotency, built on first use so the persistence layer shares the process's client. */
export function idempotencyMiddleware(deps: Pick<Deps, 'env' | 'dynamo'>): middy.MiddlewareObj<Event, HttpResult> {
  let mw: middy.MiddlewareObj | undefined;
  const get = () =>
    (mw ??= makeHandlerIdempotent({
      persistenceStore: new DynamoDBPersistenceLayer({ tableName: deps.env.IDEMPOTENCY_TABLE_NAME, awsSdkV3Client: deps.dynamo.client }),
      config: new IdempotencyConfig({
        eventKeyJmesPath: 'idempotencyScope',
        payloadValidationJmesPath: 'idempotencyPayload',
        expiresAfterSeconds: LIMITS.idempotencyTtlSeconds,
      }),
    }) as middy.MiddlewareObj);
  const refused = Symbol('idempotency refused');
  return {
    before: async (r) => {
      try {
        return await get().before!(r as never);
      } catch (err) {
        // A duplicate refused in `before` (in progress, other body) must not release the original's
        // in-progress record, which Powertools' onError would otherwise delete.
        (r.internal as Record<symbol, boolean>)[refused] = true;
        throw err;
      }
    },
    after: (r) => get().after!(r as never),
    onError: (r) => ((r.internal as Record<symbol, boolean>)[refused] ? undefined : get().onError!(r as never)),
  };
}

