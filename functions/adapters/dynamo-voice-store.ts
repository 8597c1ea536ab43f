/**
 * Brand voices as one item per account (`sk = VOICE`, beside the balance item, never part of it). The
 * generation functions read it through a small in-process cache (`cacheSeconds`): every text generation
 * needs the voice, and a read per generation would add a fourth DynamoDB request to the three of the hot
 * path. The cache holds an answer (also "no voice set") for that long on the service clock, so a changed
 * voice reaches a warm generation environment within it. The voice routes read and write uncached.
 */
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { BrandVoice, VoiceStore } from '../core/brand-voice.ts';
import type { Clock } from '../core/clock.ts';
import { accountPk } from './dynamo-store.ts';

/** How stale a generation's view of the voice may be, at most. */
export const VOICE_CACHE_SECONDS = 30;
/** Accounts remembered per execution environment (oldest forgotten first). */
const CACHE_ENTRIES = 1_000;
const SK = 'VOICE';

export class DynamoVoiceStore implements VoiceStore {
  private readonly cache = new Map<string, { voice: BrandVoice | null; until: number }>();

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly clock: Clock,
    /** 0: every read goes to the table. */
    private readonly cacheSeconds = 0,
  ) {}

  async get(accountId: string): Promise<BrandVoice | null> {
    const now = this.clock.now().getTime();
    const hit = this.cache.get(accountId);
    if (hit && hit.until > now) return hit.voice;
    if (hit) this.cache.delete(accountId);
    const r = await this.doc.send(new GetCommand({ TableName: this.table, Key: { pk: accountPk(accountId), sk: SK } }));
    const voice = r.Item ? toVoice(r.Item) : null;
    this.remember(accountId, voice, now);
    return voice;
  }

  async put(accountId: string, voice: BrandVoice): Promise<void> {
    await this.doc.send(new PutCommand({ TableName: this.table, Item: { pk: accountPk(accountId), sk: SK, ...voice } }));
    this.remember(accountId, voice, this.clock.now().getTime());
  }

  private remember(accountId: string, voice: BrandVoice | null, now: number): void {
    if (!this.cacheSeconds) return;
    this.cache.delete(accountId);
    if (this.cache.size >= CACHE_ENTRIES) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(accountId, { voice, until: now + this.cacheSeconds * 1000 });
  }
}

function toVoice(item: Record<string, unknown>): BrandVoice {
  return {
    tone: item.tone as BrandVoice['tone'],
    audience: (item.audience as string | null | undefined) ?? null,
    avoidWords: (item.avoidWords as string[] | undefined) ?? [],
    alwaysMention: (item.alwaysMention as string[] | undefined) ?? [],
    language: (item.language as BrandVoice['language'] | undefined) ?? 'en',
    updatedAt: (item.updatedAt as string | undefined) ?? null,
  };
}
