/**
 * `npm start`: the local stack of docs/contract.md on http://127.0.0.1:3000 (PORT), dynalite on DYNAMODB_PORT
 * (8000), the uploads' S3-compatible server on S3_PORT (4568), data under `.data/`. Builds the merchant
 * page first when its sources are present.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { localLogger } from '../lib/local/log.ts';
import { ROOT, startLocalStack } from '../lib/local/stack.ts';

const port = Number(process.env.PORT ?? 3000);
const dynamoPort = Number(process.env.DYNAMODB_PORT ?? 8000);
// Uploads and results (s3rver): a fixed port, so a developer's tools keep pointing at it.
const s3Port = Number(process.env.S3_PORT ?? 4568);
const dataDir = join(ROOT, '.data');
// The functions' format (Powertools Logger JSON) for the stack's own lines too; LOG_LEVEL=SILENT quiets all.
const logger = localLogger();

if (existsSync(join(ROOT, 'web', 'vite.config.ts')) && process.env.SKIP_WEB_BUILD !== '1') {
  const { build } = await import('vite');
  logger.info('building the merchant page (web/)');
  try {
    await build({ root: join(ROOT, 'web'), configFile: join(ROOT, 'web', 'vite.config.ts'), logLevel: 'warn' });
  } catch (err) {
    // The API is still useful without the page: say so and go on.
    logger.warn('the merchant page did not build; serving the API only', { error: String(err) });
  }
}

const stack = await startLocalStack({
  port,
  dynamoPort,
  s3Port,
  dataDir,
});

logger.info('AI Credits local stack is up', {
  api: stack.url,
  page: `${stack.url}/`,
  docs: `${stack.url}/docs`,
  metrics: `${stack.url}/local/metrics`,
  dynamodb: stack.dynamo.endpoint,
  s3: stack.s3?.endpoint,
  data: dataDir,
  token: `curl -s -X POST ${stack.url}/local/token -H 'content-type: application/json' -d '{"accountId":"acct_demo"}'`,
});

let stopping = false;
async function stop(signal: string) {
  if (stopping) return;
  stopping = true;
  logger.info(`stopping (${signal})`);
  const force = setTimeout(() => process.exit(1), 5000);
  force.unref();
  await stack.close();
  process.exit(0);
}
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
