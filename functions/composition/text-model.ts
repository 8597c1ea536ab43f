import type { Env } from '../env.ts';
import type { TextModel } from '../core/model.ts';
import { BedrockModel, makeBedrockClient } from '../adapters/bedrock-model.ts';
import { OfflineModel } from '../adapters/offline-model.ts';
import type { Port } from './compose.ts';

/** The text model of `AI_PROVIDER`: Bedrock Converse, or the offline generator (local stack, demo stage). */
function textModel(env: Env): TextModel {
  if (env.AI_PROVIDER === 'offline') return new OfflineModel();
  return new BedrockModel({
    client: makeBedrockClient(env),
    modelId: env.BEDROCK_MODEL_ID,
    maxTokens: env.BEDROCK_MAX_TOKENS,
    timeBudgetMs: env.MODEL_TIME_BUDGET_MS,
  });
}

export const textModelPort: Port<'model' | 'modelTimeBudgetMs'> = {
  name: 'text-model',
  provides: ['model', 'modelTimeBudgetMs'],
  env: ['AI_PROVIDER', 'BEDROCK_MODEL_ID', 'BEDROCK_ENDPOINT', 'BEDROCK_MAX_TOKENS', 'MODEL_TIME_BUDGET_MS'],
  access: ['bedrock:invoke'],
  build: (env) => ({ model: textModel(env), modelTimeBudgetMs: env.MODEL_TIME_BUDGET_MS }),
};
