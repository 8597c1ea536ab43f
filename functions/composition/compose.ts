/**
 * Per-function composition. Each handler names the ports it uses (a static list of the modules in
 * this folder), so its bundle carries those adapters and no others, and its environment schema is the
 * union of what those ports read: a function fails at cold start on a missing variable it needs, and
 * never asks for one it does not.
 *
 * Ports are built on first use (the first invocation that touches them), once per process.
 */
import { parseEnvFor, type Env, type EnvKey, type RateLimitConfig } from '../env.ts';
import { serviceClock, type Clock } from '../core/clock.ts';
import type { CreditStore, NotificationStore } from '../core/ports.ts';
import type { RateLimitStore } from '../core/rate-limit.ts';
import type { EventPublisher, ProcessedEventStore } from '../core/billing.ts';
import type { TopUpStore } from '../core/top-ups.ts';
import type { GenerationStore } from '../core/generation-store.ts';
import type { TextModel } from '../core/model.ts';
import type { ImageModel, UploadStore } from '../core/images.ts';
import type { BlogPostStore, Scheduler } from '../core/blog-posts.ts';
import type { CapStore } from '../core/caps.ts';
import type { Telemetry } from '../core/telemetry.ts';
import type { UsageStore } from '../core/operator-usage.ts';
import type { ContentHistoryStore } from '../core/content-history.ts';
import type { SigningKey, UrlCheck, WebhookStore } from '../core/webhooks.ts';
import type { DeliveryQueue, WebhookSender } from '../core/webhook-delivery.ts';
import type { VoiceStore } from '../core/brand-voice.ts';
import type { JobStore } from '../core/job-store.ts';
import type { JobQueue } from '../core/generation-jobs.ts';
import type { OutboundQueue, OutboxStore } from '../core/outbound.ts';
import { powertoolsTelemetry } from '../adapters/powertools-telemetry.ts';
import type { DynamoClients } from '../adapters/dynamo-client.ts';
import type { Access } from '../../lib/wiring.ts';
import type middy from '@middy/core';
import type { Event as HttpEvent, HttpResult } from '../http/event.ts';

export interface Deps {
  /** Only the keys of the function's ports were parsed (see `parseEnvFor`). */
  env: Env;
  clock: Clock;
  /** Business metrics (Powertools Metrics, EMF on stdout): every function has the observability stack. */
  telemetry: Telemetry;
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
  /** The image model of `AI_PROVIDER`; sharp is loaded on its first enhancement. */
  images: ImageModel;
  blogPosts: BlogPostStore;
  /** One-time schedules (blog publishing): EventBridge Scheduler, or the local stack's. */
  scheduler: Scheduler;
  /** Per-account caps (scheduled posts, uploads per rolling window). */
  caps: CapStore;
  /** Billing events onto the bus: EventBridge PutEvents, or the local stack's bus. */
  events: EventPublisher;
  /** Powertools idempotency for the routes that honour `Idempotency-Key` (functions/http/idempotency.ts). */
  idempotency: middy.MiddlewareObj<HttpEvent, HttpResult>;
  /** Versions of products' content (functions/core/content-history.ts). */
  history: ContentHistoryStore;
  /** Brand voices (functions/core/brand-voice.ts), cached briefly per process. */
  voices: VoiceStore;
  /** Operator usage counters by day (functions/core/operator-usage.ts). */
  usage: UsageStore;
  /** Bulk generation jobs and their items (functions/core/generation-jobs.ts). */
  jobs: JobStore;
  /** The `generation-jobs` queue the items run from. */
  jobQueue: JobQueue;
  /** The accepted webhook signing secrets, current first. */
  webhookSecrets(): Promise<readonly string[]>;
  /** The outbound queue, for the delivering function's delayed retries. */
  deliveryQueue: DeliveryQueue;
  /** Webhook endpoints (platform-wide) and their deliveries log. */
  webhooks: WebhookStore;
  /** The root of the endpoints' signing secrets. */
  signingKey: SigningKey;
  /** Refuses a URL deliveries may not reach (https, public addresses). */
  checkWebhookUrl: UrlCheck;
  /** POSTs a delivery, connecting only to addresses the URL check allows. */
  webhookSender: WebhookSender;
  /**
   * Outbound events to the platform's webhook endpoints. Optional: a function without the port reads it
   * as undefined and leaves the events its changes record in the account's outbox for the next relay.
   */
  outbound?: OutboundQueue;
  /** The relay's trim and the `events-due` index: provided with `outbound`. */
  outbox?: OutboxStore;
}

/** Always present: the parsed environment, the service clock and telemetry. */
type Given = 'env' | 'clock' | 'telemetry';
/** The `Deps` fields a port may provide. */
export type PortKey = Exclude<keyof Deps, Given>;

export interface Port<K extends PortKey = PortKey> {
  name: string;
  /** The `Deps` fields it provides (none: it only contributes environment keys, e.g. idempotency). */
  provides: readonly K[];
  /** Environment keys it reads; the function's schema is the union over its ports. */
  env: readonly EnvKey[];
  /** The wiring access its adapter needs in AWS; any one of them grants it. Checked by test/unit/composition.test.ts. */
  access: readonly Access[];
  /** Ports whose fields `build` reads from `deps`. */
  needs?: readonly Port<any>[];
  build(env: Env, deps: Deps): Pick<Deps, K>;
}

/** Keys every function reads: the runtime's region, the log level and the local/demo switches. */
export const BASE_ENV: readonly EnvKey[] = ['AWS_REGION', 'LOG_LEVEL', 'LOCAL_STACK', 'DEMO'];

export interface Composition {
  /** The function's id in lib/wiring.ts. */
  fn: string;
  deps: Deps;
  ports: readonly Port<any>[];
  envKeys: readonly EnvKey[];
}

/** The ports and their `needs`, each once, dependencies first. */
export function closure(ports: readonly Port<any>[]): Port<any>[] {
  const out: Port<any>[] = [];
  const visit = (p: Port<any>) => {
    if (out.includes(p)) return;
    p.needs?.forEach(visit);
    out.push(p);
  };
  ports.forEach(visit);
  return out;
}

export function envKeysOf(ports: readonly Port<any>[], extra: readonly EnvKey[] = []): EnvKey[] {
  return [...new Set([...BASE_ENV, ...extra, ...closure(ports).flatMap((p) => p.env)])];
}

// Asked by runtimes and libraries of any object (promises, inspectors): not ports. Optional ports read as undefined without their port.
const NOT_PORTS = new Set(['then', 'toJSON', 'constructor', 'asymmetricMatch', 'nodeType', '$$typeof', 'outbound', 'outbox']);

/**
 * The dependencies of one function. Parses its environment now (the cold start), builds each port on
 * first use; reading a field no port provides is a wiring mistake and says so.
 */
export function compose(fn: string, ports: readonly Port<any>[], extraEnv: readonly EnvKey[] = [], source: NodeJS.ProcessEnv = process.env): Composition {
  const all = closure(ports);
  const envKeys = envKeysOf(all, extraEnv);
  const env = parseEnvFor(envKeys, source);
  const target: Record<string, unknown> = { env, clock: serviceClock, telemetry: powertoolsTelemetry };
  const deps = new Proxy(target, {
    get(t, key) {
      if (typeof key === 'symbol' || key in t || NOT_PORTS.has(key)) return t[key as string];
      throw new Error(`${fn}: no port provides deps.${key}; add it to the function's composition (functions/composition/)`);
    },
  }) as unknown as Deps;
  for (const p of all) {
    let built: Record<string, unknown> | undefined;
    for (const k of p.provides) {
      Object.defineProperty(target, k, { enumerable: true, get: () => (built ??= p.build(env, deps) as Record<string, unknown>)[k] });
    }
  }
  return { fn, deps, ports: all, envKeys };
}
