/**
 * Inventory › Edit Product: the product's fields, AI descriptions (free: one option and a locked
 * teaser), SEO meta tags (paid) with counters and a search preview, and photo enhancement.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, putUpload } from '../api.ts';
import { reportError } from '../actions.ts';
import { CardHead } from '../components/CardHead.tsx';
import { SelectField, TONES } from '../components/fields.tsx';
import { ChargedButton, GenerateButton, GeneratedVariants, RegenerateButton, UpgradePrompt, VariantCards, useGeneration } from '../components/generation.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { splitList } from '../format.ts';
import { useAction } from '../hooks.ts';
import { pushToast, useAppState } from '../store.ts';
import type { ProductContent, Tone } from '../types.ts';

export const SAMPLE_PRODUCT = {
  id: 'prod_aurora_pourover',
  name: 'Aurora Ceramic Pour-Over Coffee Set',
  category: 'Kitchen & Dining',
  features: ['Hand-glazed stoneware dripper', 'Double-walled glass carafe, 600 ml', 'Reusable stainless-steel filter', 'Dishwasher safe'],
  keywords: ['pour over', 'coffee gift', 'ceramic dripper'],
  tone: 'friendly' as Tone,
};

const TITLE_MAX = 60;
const DESCRIPTION_MAX = 160;

interface ProductForm {
  name: string;
  category: string;
  features: string;
  keywords: string;
  tone: Tone;
}

function productInput(f: ProductForm) {
  const input: Record<string, unknown> = { name: f.name.trim(), tone: f.tone, language: 'en' };
  if (f.category.trim()) input.category = f.category.trim();
  const features = splitList(f.features);
  if (features.length) input.features = features.slice(0, 20);
  const keywords = splitList(f.keywords);
  if (keywords.length) input.keywords = keywords.slice(0, 20);
  return input;
}

function imageUrlOf(image: ProductContent['image']): string | null {
  if (!image) return null;
  return typeof image === 'string' ? image : image.imageUrl ?? image.url ?? null;
}

export function ProductPage() {
  const plan = useAppState((s) => s.credits?.plan);
  const paid = plan !== undefined && plan !== 'free';
  const [form, setForm] = useState<ProductForm>({
    name: SAMPLE_PRODUCT.name,
    category: SAMPLE_PRODUCT.category,
    features: SAMPLE_PRODUCT.features.join('\n'),
    keywords: SAMPLE_PRODUCT.keywords.join(', '),
    tone: SAMPLE_PRODUCT.tone,
  });
  const [content, setContent] = useState<ProductContent | null>(null);

  const loadContent = () =>
    api
      .productContent(SAMPLE_PRODUCT.id)
      .then(setContent)
      .catch((err) => {
        // A product nothing was saved for yet may answer 404: that is "no content", not an error.
        if ((err as { status?: number }).status === 404) setContent({ productId: SAMPLE_PRODUCT.id, description: null, seo: null });
        else reportError(err, 'Could not load the saved content');
      });
  useEffect(() => {
    void loadContent();
  }, []);

  const set = (k: keyof ProductForm) => (e: Event) => setForm({ ...form, [k]: (e.currentTarget as HTMLInputElement).value });
  const nameMissing = !form.name.trim();

  return (
    <div class="page">
      <PageHeader section="Inventory" href="#/product" page="Edit Product" title={form.name.trim() || 'Untitled product'} />

      <section class="card" aria-labelledby="product-fields-title">
        <h2 id="product-fields-title">Product details</h2>
        <div class="form-grid">
          <div class="field">
            <label for="p-name">Name</label>
            <input id="p-name" value={form.name} onInput={set('name')} maxLength={200} required data-testid="product-name" />
          </div>
          <div class="field">
            <label for="p-category">Category</label>
            <input id="p-category" value={form.category} onInput={set('category')} maxLength={100} data-testid="product-category" />
          </div>
          <div class="field span-2">
            <label for="p-features">Features</label>
            <textarea id="p-features" rows={4} value={form.features} onInput={set('features')} aria-describedby="p-features-hint" data-testid="product-features" />
            <span id="p-features-hint" class="hint">
              One per line, up to 20.
            </span>
          </div>
          <div class="field">
            <label for="p-keywords">Keywords</label>
            <input id="p-keywords" value={form.keywords} onInput={set('keywords')} aria-describedby="p-keywords-hint" data-testid="product-keywords" />
            <span id="p-keywords-hint" class="hint">
              Separated by commas.
            </span>
          </div>
          <SelectField id="p-tone" label="Tone" value={form.tone} options={TONES} onChange={(tone) => setForm({ ...form, tone })} testId="product-tone" />
        </div>
      </section>

      <DescriptionSection form={form} disabled={nameMissing} paid={paid} saved={content?.description ?? null} onSaved={loadContent} />
      <SeoSection form={form} disabled={nameMissing} paid={paid} planKnown={plan !== undefined} saved={content?.seo ?? null} onSaved={loadContent} />
      <ImageSection paid={paid} saved={imageUrlOf(content?.image)} onSaved={loadContent} />
    </div>
  );
}

interface SectionProps {
  form: ProductForm;
  disabled: boolean;
  paid: boolean;
  onSaved: () => Promise<unknown>;
}

function DescriptionSection({ form, disabled, saved, onSaved }: SectionProps & { saved: string | null }) {
  const g = useGeneration('product.description', 'product_description', {
    title: 'Description saved',
    message: 'It is now the product’s description.',
    after: onSaved,
  });
  return (
    <section class="card" aria-labelledby="desc-title" data-testid="description-section">
      <CardHead id="desc-title" title="Description" note="Write it with AI from the details above, then pick the one to keep.">
        <div class="row">
          <GenerateButton
            g={g}
            label="Generate description"
            onClick={() => g.generate(productInput(form), SAMPLE_PRODUCT.id)}
            testId="generate-description"
            disabled={disabled}
          />
        </div>
      </CardHead>

      <GeneratedVariants g={g} name="description" live>
        {(v) => (
          <p class="variant-text" data-testid="variant-text">
            {v.text}
          </p>
        )}
      </GeneratedVariants>

      <div class="saved" data-testid="saved-description">
        <h3>Current description</h3>
        {saved ? <p data-testid="saved-description-text">{saved}</p> : <p class="muted">No description saved yet.</p>}
      </div>
    </section>
  );
}

function Counter({ value, max, testId, label }: { value: string; max: number; testId: string; label: string }) {
  const n = [...value].length;
  return (
    <span class={`counter${n > max ? ' over' : ''}`} data-testid={testId} aria-label={`${label}: ${n} of ${max} characters`}>
      {n}/{max}
    </span>
  );
}

function SearchPreview({ title, description, name }: { title: string; description: string; name: string }) {
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
  return (
    <div class="serp" data-testid="seo-preview" aria-label="Search result preview">
      <div class="serp-site">
        <span class="serp-favicon" aria-hidden="true">
          S
        </span>
        <span>
          <span class="serp-name">Your store</span>
          <span class="serp-url">yourstore.com › products › {slug || 'product'}</span>
        </span>
      </div>
      <div class="serp-title">{title.length > TITLE_MAX ? `${title.slice(0, TITLE_MAX - 1)}…` : title}</div>
      <div class="serp-desc">{description.length > DESCRIPTION_MAX ? `${description.slice(0, DESCRIPTION_MAX - 1)}…` : description}</div>
    </div>
  );
}

function SeoSection({
  form,
  disabled,
  paid,
  planKnown,
  saved,
  onSaved,
}: SectionProps & { planKnown: boolean; saved: ProductContent['seo'] }) {
  const g = useGeneration('product.seo', 'seo_meta', { title: 'Meta tags saved', after: onSaved });
  return (
    <section class="card" aria-labelledby="seo-title" data-testid="seo-section">
      <CardHead id="seo-title" title="SEO meta tags" paid note="A title and a description for search engines, with a preview of the result.">
        {paid && (
          <GenerateButton
            g={g}
            label="Generate meta tags"
            onClick={() => g.generate(productInput(form), SAMPLE_PRODUCT.id)}
            testId="generate-seo"
            disabled={disabled}
          />
        )}
      </CardHead>
      {!paid && planKnown && (
        <UpgradePrompt title="SEO meta tags" text="Get search-ready titles and descriptions written for every product." testId="seo-upgrade" />
      )}
      {paid && (
        <GeneratedVariants g={g} name="seo">
          {(v) => (
            <>
              <dl class="seo-fields">
                <div>
                  <dt>
                    Title <Counter value={v.title} max={TITLE_MAX} testId="seo-title-counter" label="Title length" />
                  </dt>
                  <dd data-testid="seo-title">{v.title}</dd>
                </div>
                <div>
                  <dt>
                    Description <Counter value={v.description} max={DESCRIPTION_MAX} testId="seo-description-counter" label="Description length" />
                  </dt>
                  <dd data-testid="seo-description">{v.description}</dd>
                </div>
              </dl>
              <SearchPreview title={v.title} description={v.description} name={form.name} />
            </>
          )}
        </GeneratedVariants>
      )}
      {saved && (
        <div class="saved" data-testid="saved-seo">
          <h3>Current meta tags</h3>
          <SearchPreview title={saved.title} description={saved.description} name={form.name} />
        </div>
      )}
    </section>
  );
}

const IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/webp'];
const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;

function ImageSection({ paid, saved, onSaved }: { paid: boolean; saved: string | null; onSaved: () => Promise<unknown> }) {
  const g = useGeneration('product.image', 'image_enhancement', { title: 'Product photo saved', after: onSaved });
  const [file, setFile] = useState<File | null>(null);
  const [preview, setPreview] = useState<string | null>(null);
  const { busy: uploading, run: upload } = useAction('The photo upload failed');
  const input = useRef<HTMLInputElement>(null);
  const gen = g.generation;

  useEffect(() => () => void (preview && URL.revokeObjectURL(preview)), [preview]);

  const choose = (e: Event) => {
    const f = (e.currentTarget as HTMLInputElement).files?.[0] ?? null;
    if (f && !IMAGE_TYPES.includes(f.type)) {
      pushToast({ kind: 'error', title: 'Unsupported file', message: 'Choose a JPEG, PNG or WebP photo.' });
      return;
    }
    if (f && f.size > MAX_UPLOAD_BYTES) {
      pushToast({ kind: 'error', title: 'Photo too large', message: 'Photos up to 10 MB are supported.' });
      return;
    }
    setFile(f);
    setPreview(f ? URL.createObjectURL(f) : null);
  };

  const enhance = async () => {
    if (!file) return;
    const uploadId = await upload(async () => {
      const created = await api.createUpload(file.type, file.size);
      await putUpload(created.uploadUrl, file, file.type);
      return created.uploadId;
    });
    if (uploadId === undefined) return;
    await g.generate({ uploadId }, SAMPLE_PRODUCT.id);
  };

  const busy = uploading || g.busy === 'generate';
  return (
    <section class="card" aria-labelledby="image-title" data-testid="image-section">
      <CardHead id="image-title" title="Product photo" paid note="Upload a photo: get it enhanced, and cut out on a clean white background." />
      <div class="row wrap">
        <button type="button" class="button" onClick={() => input.current?.click()} data-testid="image-choose">
          {file ? 'Change photo' : 'Choose photo'}
        </button>
        <input
          ref={input}
          id="image-file"
          class="visually-hidden"
          tabIndex={-1}
          aria-label="Product photo file"
          type="file"
          accept={IMAGE_TYPES.join(',')}
          onChange={choose}
          data-testid="image-file"
        />
        <span class="muted">{file ? file.name : 'JPEG, PNG or WebP, up to 10 MB.'}</span>
        <ChargedButton
          label="Enhance photo"
          cost={g.cost}
          busy={busy}
          busyLabel={uploading ? 'Uploading…' : 'Enhancing…'}
          onClick={enhance}
          testId="generate-image"
          disabled={!file}
        />
      </div>
      {!paid && <p class="hint">Photo enhancement is part of the paid plans.</p>}
      {(preview || gen) && (
        <div class="image-compare">
          {preview && (
            <figure class="image-tile" data-testid="image-original">
              <img src={preview} alt="Original upload" />
              <figcaption>Original</figcaption>
            </figure>
          )}
          <VariantCards g={g} testId="variant-image" heading={(v) => (v.index === 0 ? 'Enhanced' : 'White background')}>
            {(v) => (
              <figure class="image-tile">
                <img src={v.imageUrl} alt={v.index === 0 ? 'Enhanced photo' : 'Photo on a white background'} loading="lazy" />
                <figcaption>
                  {v.width}×{v.height} · {v.operations.map((op) => op.replace(/_/g, ' ')).join(', ')}
                </figcaption>
              </figure>
            )}
          </VariantCards>
        </div>
      )}
      <RegenerateButton g={g} testId="regenerate-image" />
      {saved && (
        <div class="saved" data-testid="saved-image">
          <h3>Current product photo</h3>
          <img class="saved-image" src={saved} alt="Current product photo" />
        </div>
      )}
    </section>
  );
}
