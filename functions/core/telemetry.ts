/**
 * The telemetry port: the business facts the use cases report (a generation succeeded, was refused,
 * failed; a cooldown started). The adapter (`adapters/powertools-telemetry.ts`) turns them into
 * CloudWatch metrics (EMF) whose names and dimensions live in `observability/metrics.ts`; the domain
 * only states what happened. Reporting never throws into a use case and never changes its outcome.
 */
import type { FeatureId, PlanId } from '../config.ts';
import type { TokenUsage } from './model.ts';

export interface GenerationFacts {
  feature: FeatureId;
  plan: PlanId;
  /** Time spent in the feature's model call(s), charged to the budget. */
  modelMs: number;
}

export interface Telemetry {
  /** A generation was stored and its charge stands. */
  generationSucceeded(facts: GenerationFacts & { credits: number; modelId: string; modelCalls: number; usage: TokenUsage | null }): void;
  /** A generation was refused before any model call (a 4xx); `plan` when the account was read. */
  generationRefused(facts: { feature: FeatureId; plan?: PlanId; code: string }): void;
  /** The model failed after the charge: the credits were refunded and the merchant got a 502. */
  generationFailed(facts: GenerationFacts & { credits: number; reason: string }): void;
  /** An account exceeded its attempts and a cooldown began. */
  cooldownStarted(): void;
}

export interface TelemetryDeps {
  /** Optional so in-memory fakes of the domain need none; the handlers' deps always carry one. */
  telemetry?: Telemetry;
}

export const noTelemetry: Telemetry = {
  generationSucceeded: () => undefined,
  generationRefused: () => undefined,
  generationFailed: () => undefined,
  cooldownStarted: () => undefined,
};

export const telemetryOf = (deps: TelemetryDeps): Telemetry => deps.telemetry ?? noTelemetry;
