/**
 * The telemetry port on Powertools Metrics: each business fact becomes the catalogue's metrics
 * (`observability/metrics.ts`), the model cost priced from `MODEL_PRICES`. Emitting is synchronous
 * (one stdout line per dimension group) and never throws into a use case.
 */
import { modelCostUsd } from '../config.ts';
import type { Telemetry } from '../core/telemetry.ts';
import { log } from '../observability/log.ts';
import { emit, type Dimensions, type MetricName } from '../observability/metrics.ts';

function safely(values: Partial<Record<MetricName, number>>, dims?: Dimensions): void {
  try {
    emit(values, dims);
  } catch (err) {
    // A metric lost is not worth a failed request: say so once per occurrence and carry on.
    log.warn('metric not emitted', { metrics: Object.keys(values), error: String(err) });
  }
}

export const powertoolsTelemetry: Telemetry = {
  generationSucceeded(f) {
    safely(
      {
        GenerationSucceeded: 1,
        CreditsCharged: f.credits,
        ModelLatency: f.modelMs,
        InputTokens: f.usage?.inputTokens,
        OutputTokens: f.usage?.outputTokens,
        ModelCostUsd: modelCostUsd(f.modelId, f.usage, f.modelCalls),
      },
      { feature: f.feature, plan: f.plan },
    );
  },
  generationRefused(f) {
    safely({ GenerationRefused: 1 }, { feature: f.feature, plan: f.plan, code: f.code });
  },
  generationFailed(f) {
    safely(
      { GenerationFailed: 1, CreditsCharged: f.credits, CreditsRefunded: f.credits, ModelLatency: f.modelMs },
      { feature: f.feature, plan: f.plan, reason: f.reason },
    );
  },
  cooldownStarted() {
    safely({ CooldownStarted: 1 });
  },
};

/** Facts reported by the handlers themselves (billing, refresh, webhooks), outside any use case. */
export const handlerMetrics = {
  topUpPaid(): void {
    safely({ TopUpPaid: 1 });
  },
  refreshRun(r: { refreshed: number; failed: number; complete: boolean }): void {
    safely({ RefreshAccounts: r.refreshed, RefreshFailures: r.failed, RefreshIncomplete: r.complete ? 0 : 1 });
  },
  webhookRejected(reason: string): void {
    safely({ WebhookRejected: 1 }, { reason });
  },
};
