/**
 * The AWS calls a function makes, as IAM sees them (`dynamodb:UpdateItem` on a table, `s3:PutObject` on a
 * key prefix), recorded only where a local function worker asks for it: `lib/local/lambda-worker.mjs`
 * puts a set on `globalThis` and reports it with each result. In Lambda there is no set and nothing is
 * recorded. The least-privilege test (test/integration/least-privilege.test.ts) compares what each
 * function called with the policy CDK gives it: a call outside the policy, or a grant never used, fails it.
 */
const KEY = Symbol.for('ai-credits.aws-calls');

function sink(): Set<string> | undefined {
  return (globalThis as Record<symbol, Set<string> | undefined>)[KEY];
}

/** One call: an IAM action (`service:Action`) on a resource named the way the test maps it to the template. */
export function recordCall(action: string, resource: string): void {
  sink()?.add(`${action} ${resource}`);
}

/** The top folder of an object key (`uploads/`, `results/`, `selected/`), which the S3 grants are scoped by. */
export const keyPrefix = (key: unknown): string => `${String(key ?? '').split('/')[0]}/`;

interface Recordable {
  middlewareStack: { add(mw: (next: any, context: any) => (args: any) => Promise<any>, opts: { step: 'initialize'; name: string }): void };
}

/**
 * Records each command an SDK client sends (or presigns: the presigner runs the same middleware) as the
 * IAM actions it needs, given by `actionsOf` from the service's command name and input.
 */
export function recordCalls<C extends Recordable>(client: C, actionsOf: (command: string, input: Record<string, unknown>) => Array<[string, string]>): C {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (sink()) for (const [action, resource] of actionsOf(String(context.commandName ?? '').replace(/Command$/, ''), args.input ?? {})) recordCall(action, resource);
      return next(args);
    },
    { step: 'initialize', name: 'recordAwsCalls' },
  );
  return client;
}

/** DynamoDB: the action is the operation's name; a batch names each table it touches. */
export function dynamoActions(command: string, input: Record<string, unknown>): Array<[string, string]> {
  const tables = input.RequestItems ? Object.keys(input.RequestItems as object) : [String(input.TableName)];
  return tables.map((t) => [`dynamodb:${command}`, t]);
}

/** S3: GetObject/PutObject on the key's prefix; a copy reads its source and writes its target. */
export function s3Actions(command: string, input: Record<string, unknown>): Array<[string, string]> {
  if (command === 'CopyObject') {
    const source = String(input.CopySource ?? '').split('/').slice(1).join('/');
    return [
      ['s3:GetObject', keyPrefix(source)],
      ['s3:PutObject', keyPrefix(input.Key)],
    ];
  }
  return [[`s3:${command}`, keyPrefix(input.Key)]];
}
