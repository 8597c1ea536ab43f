/**
 * Structured JSON logs (Powertools Logger): one line per event, level from LOG_LEVEL. Every function,
 * and the local stack itself, logs through this one format; the middy stack adds the Lambda context
 * and the correlation id (the API request id, carried into the events it publishes).
 */
import { Logger } from '@aws-lambda-powertools/logger';

export const log = new Logger({
  serviceName: process.env.POWERTOOLS_SERVICE_NAME || 'ai-credits',
  logLevel: (process.env.LOG_LEVEL as 'INFO' | undefined) ?? 'INFO',
});

/** The correlation id of the invocation in progress (to hand on in events), if any. */
export function correlationId(): string | undefined {
  const id = log.getCorrelationId();
  return typeof id === 'string' && id ? id : undefined;
}
