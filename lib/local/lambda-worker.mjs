// The bootstrap of one function's worker thread (lib/local/runner.ts): what the Lambda runtime does
// around a handler, before and after the bundle loads. Plain JavaScript: it runs under bare Node,
// like the bundle it loads, with exactly the environment the runner gave the worker.
import { parentPort, workerData } from 'node:worker_threads';
import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';

// As NODE_OPTIONS=--enable-source-maps does in AWS: stack traces point at the TypeScript sources.
process.setSourceMapsEnabled(true);

// Lambda runs Node 24; on this machine's older Node the AWS SDK warns once per thread, and the main
// thread has said it already.
const emitWarning = process.emitWarning.bind(process);
process.emitWarning = (warning, ...rest) => {
  if (!String(warning?.message ?? warning).startsWith('NodeVersionSupportWarning')) emitWarning(warning, ...rest);
};

// The service clock's offset, shared with the main thread (functions/core/clock.ts reads this cell).
globalThis[Symbol.for('ai-credits.clock-offset-ms')] = new Float64Array(workerData.clock);

// The local bus and scheduler live in the main thread: each call is a message and its answer
// (functions/adapters/local-bus.ts reads these parts).
const calls = new Map();
let nextCall = 0;
const call = (method, args) =>
  new Promise((resolve, reject) => {
    const id = ++nextCall;
    calls.set(id, { resolve, reject });
    parentPort.postMessage({ type: 'call', id, method, args });
  });
globalThis[Symbol.for('ai-credits.local-parts')] = {
  bus: { publish: (entries) => call('bus.publish', [entries]) },
  scheduler: {
    createOneTime: (schedule) => call('scheduler.createOneTime', [schedule]),
    deleteOneTime: (name) => call('scheduler.deleteOneTime', [name]),
  },
};

// The AWS calls the function makes (functions/adapters/aws-calls.ts records into this set), reported
// with each result: the least-privilege test compares them with the function's IAM policy.
const awsCalls = new Set();
globalThis[Symbol.for('ai-credits.aws-calls')] = awsCalls;
const takeCalls = () => {
  const out = [...awsCalls];
  awsCalls.clear();
  return out;
};

const { fn } = workerData;
const errorOf = (err) => ({ name: err?.name ?? 'Error', message: String(err?.message ?? err), stack: err?.stack });

/** The Lambda context: the remaining time follows the function's timeout, from the invocation's start. */
function context(deadline) {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: fn.id,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${fn.id}`,
    memoryLimitInMB: String(fn.memoryMb),
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${fn.id}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

parentPort.on('message', async (m) => {
  if (m.type === 'reply') {
    const c = calls.get(m.id);
    calls.delete(m.id);
    if (m.ok) c?.resolve(m.result);
    else c?.reject(Object.assign(new Error(m.error.message), { name: m.error.name }));
    return;
  }
  if (m.type !== 'invoke') return;
  try {
    const result = await handler(m.event, context(m.deadline));
    parentPort.postMessage({ type: 'result', id: m.id, ok: true, result, calls: takeCalls() });
  } catch (err) {
    parentPort.postMessage({ type: 'result', id: m.id, ok: false, error: errorOf(err), calls: takeCalls() });
  }
});

// The cold start: importing the bundle runs its module scope (environment parse, clients).
let handler;
try {
  const started = performance.now();
  const mod = await import(pathToFileURL(workerData.bundle).href);
  if (typeof mod.handler !== 'function') throw new Error(`${fn.id}: the bundle exports no handler`);
  handler = mod.handler;
  // What the function composed (its ports and the environment keys it parsed), for tests and benchmarks.
  const c = mod.composition;
  const composition = c && { fn: c.fn, envKeys: [...c.envKeys], ports: c.ports.map((p) => ({ name: p.name, access: [...p.access] })) };
  parentPort.postMessage({ type: 'ready', initMs: performance.now() - started, composition });
} catch (err) {
  parentPort.postMessage({ type: 'init-error', error: errorOf(err) });
}
