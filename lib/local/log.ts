/**
 * The local stack's own log lines (request lines of the local API Gateway, bus and scheduler
 * failures, start-up) in the functions' format: Powertools Logger JSON, service `ai-credits`, with
 * `component` naming the local part that speaks. One format in the terminal, as in CloudWatch.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { RequestLog } from './server.ts';

type Level = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT';

export function localLogger(level: Level = (process.env.LOG_LEVEL as Level | undefined) ?? 'INFO'): Logger {
  return new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME || 'ai-credits', logLevel: level, persistentKeys: { component: 'local-stack' } });
}

/** The `RequestLog` of the local server, bus and scheduler, on a Powertools Logger. */
export function powertoolsRequestLog(logger: Logger = localLogger()): RequestLog {
  return ({ level, msg, ...rest }) => {
    const message = String(msg ?? 'local stack');
    switch (String(level ?? 'INFO').toUpperCase()) {
      case 'ERROR':
        return logger.error(message, rest);
      case 'WARN':
        return logger.warn(message, rest);
      case 'DEBUG':
        return logger.debug(message, rest);
      default:
        return logger.info(message, rest);
    }
  };
}
