/**
 * One Lambda function per `FunctionSpec`: bundled ESM for Node 24 on arm64, its own role and log group.
 */
import * as path from 'node:path';
import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { type BundlingOptions, NodejsFunction, OutputFormat, SourceMapMode } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { DEFAULT_TIMEOUT_SECONDS, type FunctionSpec } from '../wiring.ts';
import { ESBUILD_OPTIONS } from '../bundling.ts';
import { acknowledge } from './nag.ts';

export { DEFAULT_TIMEOUT_SECONDS };
export const DEFAULT_MEMORY_MB = 512;

/** NodejsFunction's options, read from the one esbuild configuration the local builder uses too. */
export const BUNDLING = {
  format: OutputFormat.ESM,
  target: ESBUILD_OPTIONS.target,
  mainFields: [...ESBUILD_OPTIONS.mainFields],
  banner: ESBUILD_OPTIONS.banner.js,
  minify: ESBUILD_OPTIONS.minify,
  sourceMap: ESBUILD_OPTIONS.sourcemap,
  sourceMapMode: SourceMapMode.DEFAULT,
  sourcesContent: ESBUILD_OPTIONS.sourcesContent,
  // Pin the SDK to package-lock's versions instead of whatever the runtime ships.
  bundleAwsSDK: true,
  externalModules: [...ESBUILD_OPTIONS.external],
  // NodejsFunction has no `alias` option; the CLI flag (`--alias:from=to`) is the same setting.
  esbuildArgs: { '--alias': Object.entries(ESBUILD_OPTIONS.alias).map(([from, to]) => `${from}=${to}`) },
} satisfies BundlingOptions;

export interface ServiceFunctionProps {
  spec: FunctionSpec;
  /** Repository root: `spec.entry` is relative to it, and so are package.json and the lock file. */
  projectRoot: string;
  logRetention: logs.RetentionDays;
  environment: Record<string, string>;
  /** Test-only stand-in for the bundled code; when absent, the entry is bundled with esbuild. */
  code?: lambda.Code;
  layers?: lambda.ILayerVersion[];
}

export class ServiceFunction extends Construct {
  readonly fn: lambda.Function;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
  readonly spec: FunctionSpec;

  constructor(scope: Construct, id: string, props: ServiceFunctionProps) {
    super(scope, id);
    const { spec } = props;
    this.spec = spec;

    this.logGroup = new logs.LogGroup(this, 'Logs', { retention: props.logRetention });
    // A role of its own instead of AWSLambdaBasicExecutionRole, whose logs:* rights span every log group.
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `ai-credits ${spec.id}`,
    });
    this.logGroup.grantWrite(this.role);

    const common = {
      description: `ai-credits ${spec.id}`,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      timeout: Duration.seconds(spec.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS),
      memorySize: spec.memoryMb ?? DEFAULT_MEMORY_MB,
      tracing: lambda.Tracing.ACTIVE,
      role: this.role,
      logGroup: this.logGroup,
      layers: props.layers,
      reservedConcurrentExecutions: spec.reservedConcurrency,
      // Stack traces point at the TypeScript sources through the bundle's source map.
      environment: { NODE_OPTIONS: '--enable-source-maps', ...props.environment },
    } satisfies Partial<lambda.FunctionProps>;

    this.fn = props.code
      ? new lambda.Function(this, 'Fn', { ...common, code: props.code, handler: 'index.handler' })
      : new NodejsFunction(this, 'Fn', {
          ...common,
          entry: path.join(props.projectRoot, spec.entry),
          handler: 'handler',
          projectRoot: props.projectRoot,
          depsLockFilePath: path.join(props.projectRoot, 'package-lock.json'),
          bundling: { ...BUNDLING, tsconfig: path.join(props.projectRoot, 'tsconfig.json') },
        });
    acknowledge(
      this.role,
      'AwsSolutions-IAM5[Resource::*]',
      'Active tracing: xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions.',
    );
  }
}
