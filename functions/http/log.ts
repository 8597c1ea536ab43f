/** Structured JSON logs (Powertools Logger): one line per event, level from LOG_LEVEL. */
import { Logger } from '@aws-lambda-powertools/logger';

export const log = new Logger({
  serviceName: 'ai-credits',
  logLevel: (process.env.LOG_LEVEL as 'INFO' | undefined) ?? 'INFO',
});
