/**
 * The observability part of the one middy stack, first in every function's chain (HTTP and event
 * handlers alike): Powertools Logger with the Lambda context and a correlation id, the Tracer's
 * handler segment, and Metrics flushed after every invocation (with the `ColdStart` metric).
 */
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import { log } from './log.ts';
import { metrics } from './metrics.ts';
import { tracer } from './tracer.ts';

/**
 * Where an invocation's correlation id comes from: the API Gateway request id for HTTP, the id the
 * publisher put into an EventBridge event's detail, else the event's own id.
 */
function correlationOf(event: unknown): string | undefined {
  const e = (event ?? {}) as { requestContext?: { requestId?: string }; detail?: { correlationId?: unknown }; id?: unknown };
  if (e.requestContext?.requestId) return e.requestContext.requestId;
  if (typeof e.detail?.correlationId === 'string') return e.detail.correlationId;
  return typeof e.id === 'string' ? e.id : undefined;
}

export function observability(): middy.MiddlewareObj[] {
  return [
    captureLambdaHandler(tracer, { captureResponse: false }) as middy.MiddlewareObj,
    logMetrics(metrics, { captureColdStartMetric: true }) as middy.MiddlewareObj,
    injectLambdaContext(log, { resetKeys: true }) as middy.MiddlewareObj,
    {
      before: (request) => {
        const id = correlationOf(request.event);
        if (id) log.setCorrelationId(id);
      },
    },
  ];
}

/** A non-HTTP function (EventBridge target, schedule target) behind the same observability stack. */
export function eventHandler<E, R>(fn: (event: E, context: Context) => Promise<R>): (event: E, context?: Context) => Promise<R> {
  // Callable without a context (tests, scripts): middy then passes an empty one.
  return middy<E, R, Error, Context>().use(observability()).handler(fn) as (event: E, context?: Context) => Promise<R>;
}
