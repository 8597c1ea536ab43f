/**
 * The Bedrock image model: Amazon Nova Canvas (`InvokeModel`, task `BACKGROUND_REMOVAL`) finds the
 * product for variant 1; everything else is the offline model's local processing.
 *
 * Variant 0 is deliberately not Nova's IMAGE_VARIATION: a variation is generated anew from the photo,
 * so labels, logos, textures and proportions may change, and a shop must show the product it sells.
 * Exposure, contrast, white balance and sharpening are corrections of the merchant's own pixels, done
 * locally, deterministically and at full working resolution, and they cost no second paid call.
 *
 * Variant 1 uses only the alpha of Nova's cut-out: it is scaled to the working size and applied to
 * our enhanced pixels, so the product keeps its resolution (Nova sees at most 1024 px) and its colours.
 *
 * Failures map to `ModelFailure` kinds as in the text adapter (`bedrock-model.ts`); an answer that is
 * not one PNG with an alpha channel of the size we sent, or keeps no product at all, is `invalid_output`.
 */
import { InvokeModelCommand, type BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import type { Metadata } from 'sharp';
import * as z from 'zod';
import type { Env } from '#config';
import { ModelFailure } from '#core/errors.ts';
import type { EnhancedImage, ImageEnhanceInput, ImageEnhanceOptions, ImageEnhanceResult, ImageModel } from '#core/images.ts';
import { makeBedrockClient, raceAbort, toModelFailure } from './bedrock-model.ts';
import { loadSharp } from './sharp.ts';
import { compositeOnWhite, encodeOnSquare, enhancedVariant, prepareWorkingImage, scaleMask, whiteBackgroundVariant, type RgbImage, type WorkingImage } from './image-offline.ts';

/** Nova Canvas input images: each side 320–4096 px. We send at most 1024 px (cost, latency, payload). */
const MODEL_MAX_SIDE = 1024;
const MODEL_MIN_SIDE = 320;
/** Sides are padded to a multiple of this; Nova Canvas's documented sizes all are. */
const MODEL_SIDE_STEP = 16;

export interface BedrockImageModelOptions {
  client: BedrockRuntimeClient;
  /** `amazon.nova-canvas-v1:0` by default (`BEDROCK_IMAGE_MODEL_ID`). */
  modelId: string;
  /** Wall-clock budget of one enhancement when the caller gives no signal of its own. */
  timeBudgetMs: number;
}

const NovaResponse = z.object({
  images: z.array(z.string().min(1)).length(1),
  error: z.string().nullish(),
});

/** What we send: the photo scaled and padded to a size Nova accepts, and where the photo sits in it. */
interface ModelInput {
  png: Buffer;
  width: number;
  height: number;
  content: { left: number; top: number; width: number; height: number };
}

async function toModelInput(img: RgbImage): Promise<ModelInput> {
  const scale = Math.min(1, MODEL_MAX_SIDE / Math.max(img.width, img.height));
  const w = Math.max(1, Math.round(img.width * scale));
  const h = Math.max(1, Math.round(img.height * scale));
  const target = (side: number) => Math.ceil(Math.max(side, MODEL_MIN_SIDE) / MODEL_SIDE_STEP) * MODEL_SIDE_STEP;
  const width = target(w);
  const height = target(h);
  const left = Math.floor((width - w) / 2);
  const top = Math.floor((height - h) / 2);
  // Padding repeats the edge pixels: the model sees more backdrop, never a frame it might keep as product.
  const png = await (await loadSharp())(img.data, { raw: { width: img.width, height: img.height, channels: 3 } })
    .resize(w, h, { fit: 'fill' })
    .extend({ left, top, right: width - w - left, bottom: height - h - top, extendWith: 'copy' })
    .png({ compressionLevel: 3 })
    .toBuffer();
  return { png, width, height, content: { left, top, width: w, height: h } };
}

/** The product mask (0 = background) at working size, from Nova's cut-out. */
async function maskFromCutout(cutout: Buffer, sent: ModelInput, work: RgbImage): Promise<{ mask: Buffer; kept: number }> {
  let meta: Metadata;
  try {
    meta = await (await loadSharp())(cutout).metadata();
  } catch (error) {
    throw new ModelFailure('invalid_output', 'Nova Canvas returned an image that cannot be decoded.', error);
  }
  if (meta.format !== 'png' || !meta.hasAlpha) {
    throw new ModelFailure('invalid_output', `Nova Canvas returned a ${meta.format ?? 'unknown'} image without an alpha channel.`);
  }
  if (meta.width !== sent.width || meta.height !== sent.height) {
    throw new ModelFailure('invalid_output', `Nova Canvas returned ${meta.width}×${meta.height} for a ${sent.width}×${sent.height} input.`);
  }
  const alpha = await (await loadSharp())(cutout)
    .ensureAlpha()
    .extractChannel(3)
    .extract(sent.content)
    .raw()
    .toBuffer();
  let kept = 0;
  for (let i = 0; i < alpha.length; i++) if (alpha[i] >= 128) kept++;
  const mask = await scaleMask(alpha, sent.content, work, 0);
  return { mask, kept: kept / alpha.length };
}


export class BedrockImageModel implements ImageModel {
  private readonly client: BedrockRuntimeClient;
  private readonly modelId: string;
  private readonly timeBudgetMs: number;

  constructor(options: BedrockImageModelOptions) {
    this.client = options.client;
    this.modelId = options.modelId;
    this.timeBudgetMs = options.timeBudgetMs;
  }

  /** Built once per cold start, on the same client settings as the text model. */
  static fromEnv(env: Pick<Env, 'AWS_REGION' | 'BEDROCK_ENDPOINT' | 'MODEL_TIME_BUDGET_MS' | 'BEDROCK_IMAGE_MODEL_ID'>): BedrockImageModel {
    return new BedrockImageModel({ client: makeBedrockClient(env), modelId: env.BEDROCK_IMAGE_MODEL_ID, timeBudgetMs: env.MODEL_TIME_BUDGET_MS });
  }

  async enhance(input: ImageEnhanceInput, opts: ImageEnhanceOptions = {}): Promise<ImageEnhanceResult> {
    const budget = AbortSignal.timeout(this.timeBudgetMs);
    const signal = opts.signal ? AbortSignal.any([opts.signal, budget]) : budget;
    try {
      const work = await prepareWorkingImage(input.image, signal);
      // A merchant who uploaded a cut-out already told us where the product is: no paid call needed.
      if (work.cutout) {
        const variants = await Promise.all([enhancedVariant(work, input.style), whiteBackgroundVariant(work)]);
        return { variants, modelId: this.modelId, calls: 0 };
      }
      const [enhanced, removal] = await Promise.all([enhancedVariant(work, input.style), this.removeBackground(work, signal)]);
      return { variants: [enhanced, removal.variant], modelId: this.modelId, calls: removal.calls };
    } catch (error) {
      if (error instanceof ModelFailure) throw error;
      throw new ModelFailure('invalid_output', 'The photo could not be processed.', error);
    }
  }

  private async removeBackground(work: WorkingImage, signal: AbortSignal): Promise<{ variant: EnhancedImage; calls: number }> {
    // Segmentation sees the corrected but unsharpened photo: halos from sharpening are not edges.
    const sent = await toModelInput(work.unsharpened);
    const body = JSON.stringify({ taskType: 'BACKGROUND_REMOVAL', backgroundRemovalParams: { image: sent.png.toString('base64') } });
    let text: string;
    let calls: number;
    if (signal.aborted) throw new ModelFailure('timeout', 'The image enhancement ran out of time before the Nova Canvas call.');
    try {
      const out = await raceAbort(
        this.client.send(new InvokeModelCommand({ modelId: this.modelId, contentType: 'application/json', accept: 'application/json', body }), { abortSignal: signal }),
        signal,
      );
      text = new TextDecoder().decode(out.body);
      calls = out.$metadata.attempts ?? 1;
    } catch (error) {
      const failure = toModelFailure(error, signal.aborted);
      throw new ModelFailure(failure.kind, failure.message.replace('Bedrock Converse', 'Nova Canvas InvokeModel'), error);
    }

    let parsed: z.infer<typeof NovaResponse>;
    try {
      parsed = NovaResponse.parse(JSON.parse(text));
    } catch (error) {
      throw new ModelFailure('invalid_output', 'Nova Canvas answered something other than one image.', error);
    }
    if (parsed.error) throw new ModelFailure('invalid_output', `Nova Canvas reported an error: ${parsed.error}`);
    const encoded = parsed.images[0];
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) throw new ModelFailure('invalid_output', 'Nova Canvas returned an image that is not base64.');

    const { mask, kept } = await maskFromCutout(Buffer.from(encoded, 'base64'), sent, work.rgb);
    if (kept < 0.002) throw new ModelFailure('invalid_output', 'Nova Canvas kept no product in the photo.');
    if (signal.aborted) throw new ModelFailure('timeout', 'The image enhancement ran out of time.');
    const operations =
      kept > 0.995
        ? [...work.operations, 'no_background_found_by_nova_canvas']
        : [...work.operations, 'background_removed_by_nova_canvas', 'cutout_mask_applied_at_working_resolution', 'background_replaced_with_white'];
    const variant = await encodeOnSquare(compositeOnWhite(work.rgb, mask), 'white', operations);
    return { variant, calls };
  }
}
