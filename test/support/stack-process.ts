/**
 * A local stack in a process of its own, for tests that kill it (SIGKILL) in the middle of a request.
 * Its data lives outside the process: DynamoDB at STACK_DYNAMO_ENDPOINT (a server the test runs), keys
 * and uploads under STACK_DATA_DIR, so a second process started the same way carries on where it died.
 * Prints one JSON line `{ "url" }` once it listens.
 */
import { startLocalStack } from '../../lib/local/stack.ts';

const dynamoEndpoint = process.env.STACK_DYNAMO_ENDPOINT;
const dataDir = process.env.STACK_DATA_DIR;
if (!dynamoEndpoint || !dataDir) throw new Error('STACK_DYNAMO_ENDPOINT and STACK_DATA_DIR are required');

const stack = await startLocalStack({ port: 0, dataDir, dynamoEndpoint, env: { LOG_LEVEL: 'SILENT' } });
process.stdout.write(`${JSON.stringify({ url: stack.url })}\n`);
