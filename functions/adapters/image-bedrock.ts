/**
 * The Bedrock image model: Stability AI's Stable Image Remove Background (`InvokeModel`, Stability AI
 * Image Services) finds the product for variant 1; everything else is the offline model's local processing.
 * (Amazon Nova Canvas, which did this before, is Legacy and was never offered where our merchants are.)
 *
 * Variant 0 is deliberately no generative edit: a regenerated photo may change labels, logos, textures
 * and proportions, and a shop must show the product it sells. Exposure, contrast, white balance and
 * sharpening are corrections of the merchant's own pixels, done locally, deterministically and at full
 * working resolution, and they cost no second paid call.
 *
 * Variant 1 uses only the alpha of the model's cut-out: it is scaled to the working size and applied to
 * our enhanced pixels, so the product keeps its resolution (the model sees at most 1024 px) and colours.
 *
 * The model is called in its own Region (`BEDROCK_IMAGE_REGION`): it is served in fewer Regions than the
 * text model (US only, through the `us.` inference profile), so a stack in ap-southeast-1 calls it in the US.
 * The request is sized by the model's documented limits (`MODELS` in functions/config.ts).
 *
 * Failures map to `ModelFailure` kinds as in the text adapter (`bedrock-model.ts`); an answer that is
 * not one PNG with an alpha channel of the size we sent, a filtered one, or one that keeps no product
 * at all, is `invalid_output`.
 */
import { InvokeModelCommand, type BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import type { Metadata } from 'sharp';
import * as z from '#zod';
import { imageModelSpec, type ImageModelSpec } from '#config';
import type { Env } from '#env';
import { ModelFailure } from '#core/errors.ts';
import type { EnhancedImage, ImageEnhanceInput, ImageEnhanceOptions, ImageEnhanceResult, ImageModel } from '#core/images.ts';
import { makeBedrockClient, raceAbort, toModelFailure } from './bedrock-model.ts';
import { loadSharp } from './sharp.ts';
import { compositeOnWhite, encodeOnSquare, enhancedVariant, prepareWorkingImage, scaleMask, whiteBackgroundVariant, type RgbImage, type WorkingImage } from './image-offline.ts';

/** Our own ceiling on the longest side sent (cost of the upload, latency); the model accepts more. */
const SEND_MAX_SIDE = 1024;
const MODEL_NAME = 'Stable Image Remove Background';

export interface BedrockImageModelOptions {
  client: BedrockRuntimeClient;
  /** `us.stability.stable-image-remove-background-v1:0` by default (`BEDROCK_IMAGE_MODEL_ID`). */
  modelId: string;
  /** Wall-clock budget of one enhancement when the caller gives no signal of its own. */
  timeBudgetMs: number;
}

/** Stability AI Image Services' answer: `finish_reasons[i]` is null on success, else why nothing was made. */
const RemoveBackgroundResponse = z.object({
  // Absent when a filter stopped the request; the finish reason says why.
  images: z.optional(z.array(z.string().check(z.minLength(1)))),
  finish_reasons: z.optional(z.array(z.nullable(z.string()))),
  seeds: z.optional(z.array(z.unknown())),
});

/** What we send: the photo scaled and padded to a size the model accepts, and where the photo sits in it. */
interface ModelInput {
  png: Buffer;
  width: number;
  height: number;
  content: { left: number; top: number; width: number; height: number };
}

/**
 * Scaled to fit our ceiling and the model's pixel limit, then padded where the model's minimum side or
 * its aspect-ratio range requires it. Padding repeats the edge pixels: the model sees more backdrop,
 * never a frame it might keep as product.
 */
export async function toModelInput(img: RgbImage, spec: ImageModelSpec): Promise<ModelInput> {
  const scale = Math.min(1, SEND_MAX_SIDE / Math.max(img.width, img.height), Math.sqrt(spec.maxPixels / (img.width * img.height)));
  const w = Math.max(1, Math.floor(img.width * scale));
  const h = Math.max(1, Math.floor(img.height * scale));
  let width = Math.max(w, spec.minSidePixels);
  let height = Math.max(h, spec.minSidePixels);
  // A strip narrower than the ratio allows grows on its short side.
  width = Math.max(width, Math.ceil(height / spec.maxAspectRatio));
  height = Math.max(height, Math.ceil(width / spec.maxAspectRatio));
  const left = Math.floor((width - w) / 2);
  const top = Math.floor((height - h) / 2);
  const png = await (await loadSharp())(img.data, { raw: { width: img.width, height: img.height, channels: 3 } })
    .resize(w, h, { fit: 'fill' })
    .extend({ left, top, right: width - w - left, bottom: height - h - top, extendWith: 'copy' })
    .png({ compressionLevel: 3 })
    .toBuffer();
  return { png, width, height, content: { left, top, width: w, height: h } };
}

/** The product mask (0 = background) at working size, from the model's cut-out. */
async function maskFromCutout(cutout: Buffer, sent: ModelInput, work: RgbImage): Promise<{ mask: Buffer; kept: number }> {
  let meta: Metadata;
  try {
    meta = await (await loadSharp())(cutout).metadata();
  } catch (error) {
    throw new ModelFailure('invalid_output', `${MODEL_NAME} returned an image that cannot be decoded.`, error);
  }
  if (meta.format !== 'png' || !meta.hasAlpha) {
    throw new ModelFailure('invalid_output', `${MODEL_NAME} returned a ${meta.format ?? 'unknown'} image without an alpha channel.`);
  }
  if (meta.width !== sent.width || meta.height !== sent.height) {
    throw new ModelFailure('invalid_output', `${MODEL_NAME} returned ${meta.width}×${meta.height} for a ${sent.width}×${sent.height} input.`);
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

  private readonly spec: ImageModelSpec;

  constructor(options: BedrockImageModelOptions) {
    this.client = options.client;
    this.modelId = options.modelId;
    this.timeBudgetMs = options.timeBudgetMs;
    // An id without a known spec fails at cold start, not on a merchant's first photo.
    this.spec = imageModelSpec(options.modelId);
  }

  /** Built once per cold start, on the text model's client settings, in the image model's Region. */
  static fromEnv(
    env: Pick<Env, 'AWS_REGION' | 'BEDROCK_ENDPOINT' | 'MODEL_TIME_BUDGET_MS' | 'BEDROCK_IMAGE_MODEL_ID'> & { BEDROCK_IMAGE_REGION?: string },
  ): BedrockImageModel {
    const client = makeBedrockClient({ ...env, AWS_REGION: env.BEDROCK_IMAGE_REGION ?? env.AWS_REGION });
    return new BedrockImageModel({ client, modelId: env.BEDROCK_IMAGE_MODEL_ID, timeBudgetMs: env.MODEL_TIME_BUDGET_MS });
  }

  /** The Region the client signs for and calls (tests, diagnostics). */
  async region(): Promise<string> {
    return this.client.config.region();
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
    const sent = await toModelInput(work.unsharpened, this.spec);
    const body = JSON.stringify({ image: sent.png.toString('base64'), output_format: 'png' });
    let text: string;
    let calls: number;
    if (signal.aborted) throw new ModelFailure('timeout', `The image enhancement ran out of time before the ${MODEL_NAME} call.`);
    try {
      const out = await raceAbort(
        this.client.send(new InvokeModelCommand({ modelId: this.modelId, contentType: 'application/json', accept: 'application/json', body }), { abortSignal: signal }),
        signal,
      );
      text = new TextDecoder().decode(out.body);
      calls = out.$metadata.attempts ?? 1;
    } catch (error) {
      const failure = toModelFailure(error, signal.aborted);
      throw new ModelFailure(failure.kind, failure.message.replace('Bedrock Converse', `${MODEL_NAME} InvokeModel`), error);
    }

    let parsed: z.infer<typeof RemoveBackgroundResponse>;
    try {
      parsed = RemoveBackgroundResponse.parse(JSON.parse(text));
    } catch (error) {
      throw new ModelFailure('invalid_output', `${MODEL_NAME} answered something other than one image.`, error);
    }
    const reason = parsed.finish_reasons?.[0];
    if (reason) {
      // "Filter reason: input image" and the like: nothing usable was made (the merchant is refunded).
      throw new ModelFailure(reason === 'Inference error' ? 'unavailable' : 'invalid_output', `${MODEL_NAME} made no image: ${reason}`);
    }
    if (parsed.images?.length !== 1) throw new ModelFailure('invalid_output', `${MODEL_NAME} answered something other than one image.`);
    const encoded = parsed.images[0]!;
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) throw new ModelFailure('invalid_output', `${MODEL_NAME} returned an image that is not base64.`);

    const { mask, kept } = await maskFromCutout(Buffer.from(encoded, 'base64'), sent, work.rgb);
    if (kept < 0.002) throw new ModelFailure('invalid_output', `${MODEL_NAME} kept no product in the photo.`);
    if (signal.aborted) throw new ModelFailure('timeout', 'The image enhancement ran out of time.');
    const operations =
      kept > 0.995
        ? [...work.operations, 'no_background_found_by_model']
        : [...work.operations, 'background_removed_by_model', 'cutout_mask_applied_at_working_resolution', 'background_replaced_with_white'];
    const variant = await encodeOnSquare(compositeOnWhite(work.rgb, mask), 'white', operations);
    return { variant, calls };
  }
}
