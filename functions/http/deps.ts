/**
 * The dependencies every handler gets, built once per process (the Lambda cold start, or the local
 * stack's first request) from the parsed environment. Use cases receive them as an argument, so tests
 * can pass other adapters.
 */
import { parseEnv, rateLimitConfig, type Env, type RateLimitConfig } from '../config.ts';
import { serviceClock, type Clock } from '../core/clock.ts';
import type { CreditStore, NotificationStore } from '../core/ports.ts';
import type { RateLimitStore } from '../core/rate-limit.ts';
import { makeDynamoClients, type DynamoClients } from '../adapters/dynamo-client.ts';
import { DynamoCreditStore } from '../adapters/dynamo-store.ts';
import { DynamoRateStore } from '../adapters/dynamo-rate-store.ts';
import { DynamoBillingStore } from '../adapters/dynamo-billing-store.ts';
import type { ProcessedEventStore } from '../core/billing.ts';
import type { TopUpStore } from '../core/top-ups.ts';
import type { GenerationStore } from '../core/generation-store.ts';
import type { TextModel } from '../core/model.ts';
import { DynamoGenerationStore } from '../adapters/dynamo-generation-store.ts';
import { OfflineModel } from '../adapters/offline-model.ts';
import { BedrockModel, makeBedrockClient } from '../adapters/bedrock-model.ts';
import type { ImageModel, UploadStore } from '../core/images.ts';
import { S3UploadStore } from '../adapters/uploads-s3.ts';
import type { BlogPostStore, Scheduler } from '../core/blog-posts.ts';
import { DynamoBlogStore } from '../adapters/dynamo-blog-store.ts';
import { makeScheduler } from '../adapters/scheduler.ts';
import type { Telemetry } from '../core/telemetry.ts';
import { powertoolsTelemetry } from '../adapters/powertools-telemetry.ts';

export interface Deps {
  env: Env;
  clock: Clock;
  dynamo: DynamoClients;
  store: CreditStore;
  notifications: NotificationStore;
  rate: RateLimitStore;
  rateLimit: RateLimitConfig;
  topUps: TopUpStore;
  processedEvents: ProcessedEventStore;
  generations: GenerationStore;
  model: TextModel;
  modelTimeBudgetMs: number;
  /** Merchants' photo uploads and enhanced results: S3 (s3rver locally, `S3_ENDPOINT`). */
  uploads: UploadStore;
  /** The image model of `AI_PROVIDER`, in the functions that carry sharp (`provideImageModel`). */
  images: ImageModel;
  blogPosts: BlogPostStore;
  /** One-time schedules (blog publishing): EventBridge Scheduler, or the local stack's. */
  scheduler: Scheduler;
  /** Business metrics (Powertools Metrics, EMF on stdout). */
  telemetry: Telemetry;
}

/** The text model of `AI_PROVIDER`: the offline generator (local default) or Bedrock Converse. */
function textModel(env: Env): TextModel {
  if (env.AI_PROVIDER === 'offline') return new OfflineModel();
  return new BedrockModel({
    client: makeBedrockClient(env),
    modelId: env.BEDROCK_MODEL_ID,
    maxTokens: env.BEDROCK_MAX_TOKENS,
    timeBudgetMs: env.MODEL_TIME_BUDGET_MS,
  });
}

/**
 * The image adapters import sharp, which the CDK stack ships (as a layer) only to functions with
 * uploads access, while this module is in every function's bundle; so those functions' handlers
 * provide the factory (`image-ports.ts`) and the model is built from it on first use.
 */
let imageModelFactory: ((env: Env) => ImageModel) | undefined;

export function provideImageModel(factory: (env: Env) => ImageModel): void {
  imageModelFactory = factory;
}

function imageModel(env: Env): ImageModel {
  let model: ImageModel | undefined;
  return {
    enhance(input, opts) {
      if (!imageModelFactory) throw new Error('This function has no image model: its handler must import http/image-ports.ts.');
      model ??= imageModelFactory(env);
      return model.enhance(input, opts);
    },
  };
}

let built: Deps | undefined;

export function buildDeps(env: Env = parseEnv()): Deps {
  const dynamo = makeDynamoClients(env);
  const credits = new DynamoCreditStore(dynamo.doc, env.TABLE_NAME);
  const billing = new DynamoBillingStore(dynamo.doc, env.TABLE_NAME);
  return {
    env,
    clock: serviceClock,
    dynamo,
    store: credits,
    notifications: credits,
    rate: new DynamoRateStore(dynamo.doc, env.TABLE_NAME),
    rateLimit: rateLimitConfig(env),
    topUps: billing,
    processedEvents: billing,
    generations: new DynamoGenerationStore(dynamo.doc, env.TABLE_NAME, env.GENERATION_TTL_DAYS),
    model: textModel(env),
    modelTimeBudgetMs: env.MODEL_TIME_BUDGET_MS,
    uploads: S3UploadStore.fromEnv(env),
    images: imageModel(env),
    blogPosts: new DynamoBlogStore(dynamo.doc, env.TABLE_NAME),
    scheduler: makeScheduler(env),
    telemetry: powertoolsTelemetry,
  };
}

/** The process-wide dependencies, built on first use. */
export function deps(): Deps {
  built ??= buildDeps();
  return built;
}

/** Local stack and tests: forget the built dependencies so the next call re-reads the environment. */
export function resetDeps(): void {
  built = undefined;
}
