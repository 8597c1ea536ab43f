/**
 * Powertools Tracer (X-Ray, active tracing is on for every function). Outside Lambda, or with
 * `POWERTOOLS_TRACE_ENABLED=false` (the local stack), it is disabled and `traced` returns the client
 * unchanged, so nothing ever tries to reach an X-Ray daemon.
 */
import { Tracer } from '@aws-lambda-powertools/tracer';
import { SERVICE_NAME } from './metrics.ts';

export const tracer = new Tracer({ serviceName: process.env.POWERTOOLS_SERVICE_NAME || SERVICE_NAME });

/** Wraps an AWS SDK v3 client so each call is a traced subsegment. */
export function traced<T>(client: T): T {
  return tracer.captureAWSv3Client(client);
}
