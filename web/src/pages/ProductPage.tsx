/**
 * Inventory › Edit Product: the product's fields, AI descriptions (free: one option and a locked
 * teaser), SEO meta tags (paid) with counters and a search preview, and photo enhancement.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, putUpload } from '../api.ts';
import { DraftEditor, useDraft, type DraftOrigin } from '../components/Draft.tsx';
import { PastOptions } from '../components/PastOptions.tsx';
import { reportError } from '../actions.ts';
import { featureOf, joinNames, planHasFeature, plansWith, useCatalog } from '../catalog.ts';
import { CardHead } from '../components/CardHead.tsx';
import { SelectField, TONES } from '../components/fields.tsx';
import { ChargedButton, GenerateButton, GeneratedVariants, RegenerateButton, UpgradePrompt, VariantCards, useGeneration, type GenerationState } from '../components/generation.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { backgroundWhitened, describeImageSteps, splitList } from '../format.ts';
import { useAction } from '../hooks.ts';
import { openModal, pushToast, useAppState } from '../store.ts';
import { useVoiceTone } from '../voice.ts';
import type { Catalog, ContentField, ContentVersion, FeatureId, ImageVariant, InputOf, ProductContent, SeoVariant, TextVariant, Tone } from '../types.ts';

export const SAMPLE_PRODUCT = {
  id: 'prod_aurora_pourover',
  name: 'Aurora Ceramic Pour-Over Coffee Set',
  category: 'Kitchen & Dining',
  features: ['Hand-glazed stoneware dripper', 'Double-walled glass carafe, 600 ml', 'Reusable stainless-steel filter', 'Dishwasher safe'],
  keywords: ['pour over', 'coffee gift', 'ceramic dripper'],
  tone: 'friendly' as Tone,
};

/** What the API takes for a product (ProductInput), as the catalog states it. */
type InputLimits = Catalog['limits']['productInput'];

/** The longest description a manual edit may save (`PUT …/content`; not in the catalog yet). */
const MANUAL_DESCRIPTION_MAX = 5000;

/** Moves focus to a field once it is rendered (the editor an Edit button opened). */
function focusSoon(id: string): void {
  requestAnimationFrame(() => document.getElementById(id)?.focus());
}

/** History of a product field: opens the drawer, which reads it. */
function HistoryButton({ field, label }: { field: ContentField; label: string }) {
  return (
    <button
      type="button"
      class="button small ghost"
      onClick={() => openModal({ kind: 'history', productId: SAMPLE_PRODUCT.id, field, label })}
      aria-label={`${label} history`}
      data-testid={`history-${field}`}
    >
      History
    </button>
  );
}

/**
 * A section's draft and its Keep: the value as the AI wrote it is that option selected (source
 * `generation`); anything else is a manual edit through `save` (source `manual`). Both are free.
 */
function useKeptDraft<F extends FeatureId, V>(
  g: GenerationState<F>,
  opts: { field: ContentField; focusId: string; title: string; onSaved: () => Promise<unknown>; save: (value: V) => Promise<unknown> },
) {
  const draft = useDraft<V>();
  const [keeping, setKeeping] = useState(false);
  // What was current before the last Keep: Undo after it makes that current again (a restore, free).
  const [previous, setPrevious] = useState<ContentVersion | null>(null);
  const { busy: undoing, run } = useAction('Could not go back to the previous version');
  // Another change since the Keep (an option selected, a version restored): Undo would not undo it, so it goes.
  const contentChanged = useAppState((st) => st.contentChanged);
  useEffect(() => setPrevious(null), [g.generation?.id, g.generation?.selectedIndex, contentChanged]);
  const edit = (value: V, origin: DraftOrigin | null) => {
    setPrevious(null);
    draft.push({ value, origin });
    focusSoon(opts.focusId);
  };
  const saved = async (origin: DraftOrigin | null, value: V): Promise<boolean> => {
    try {
      if (origin && origin.generationId === g.generation?.id) return (await g.select(origin.index)) !== null;
      // An option of a generation no longer on show (a past one was shown since): selected by its id.
      if (origin) await api.select(origin.generationId, origin.index);
      else await opts.save(value);
      pushToast({ kind: 'success', title: opts.title, message: origin ? 'The AI option is now the product’s.' : 'Your edit is now the product’s. Editing is free.', ttlMs: 4000 });
      await opts.onSaved();
      return true;
    } catch (err) {
      reportError(err, 'Could not save it');
      return false;
    }
  };
  const keep = async () => {
    const top = draft.top;
    if (!top) return;
    setKeeping(true);
    const ok = await saved(top.origin, top.value);
    if (ok) {
      draft.clear();
      // The history's newest is what was just kept; the one under it is what Undo goes back to.
      const page = await api.contentHistory(SAMPLE_PRODUCT.id, opts.field).catch(() => null);
      setPrevious(page?.items[1] ?? null);
    }
    setKeeping(false);
  };
  const undoKeep = previous
    ? () =>
        run(async () => {
          await api.restoreContent(SAMPLE_PRODUCT.id, previous.versionId);
          setPrevious(null);
          pushToast({ kind: 'success', title: 'Back to the previous version', message: 'Undoing is free; the version you kept stays in the history.', ttlMs: 4000 });
          await opts.onSaved();
        })
    : null;
  return { draft, keeping, edit, keep, undoKeep, undoing };
}

/** Undo after a Keep: the field's previous version current again. */
function UndoKeepButton({ undo, busy, label, testId }: { undo: (() => Promise<unknown>) | null; busy: boolean; label: string; testId: string }) {
  if (!undo) return null;
  return (
    <button type="button" class="button small" aria-disabled={busy ? 'true' : undefined} onClick={() => !busy && void undo()} aria-label={`Undo: back to the previous ${label}`} data-testid={testId}>
      {busy ? 'Undoing…' : 'Undo'}
    </button>
  );
}

interface ProductForm {
  name: string;
  category: string;
  features: string;
  keywords: string;
  tone: Tone;
}

/** One feature per line: a comma belongs to the feature ("Double-walled glass carafe, 600 ml"). */
export function featureLines(value: string): string[] {
  return value
    .split(/\r?\n/)
    .map((s) => s.trim())
    .filter(Boolean);
}

function productInput(f: ProductForm): InputOf<'product_description'> {
  const input: InputOf<'product_description'> = { name: f.name.trim(), tone: f.tone };
  if (f.category.trim()) input.category = f.category.trim();
  const features = featureLines(f.features);
  if (features.length) input.features = features;
  const keywords = splitList(f.keywords);
  if (keywords.length) input.keywords = keywords;
  return input;
}

/** What keeps the form from being sent as it is, in the merchant's words (null: nothing). */
function formProblems(f: ProductForm, limits: InputLimits): { name: string | null; features: string | null; keywords: string | null } {
  const { listMaxItems: LIST_MAX, listItemMaxChars: ITEM_MAX } = limits;
  const features = featureLines(f.features);
  const keywords = splitList(f.keywords);
  const tooLong = (items: string[]) => items.findIndex((x) => x.length > ITEM_MAX);
  const longFeature = tooLong(features);
  const longKeyword = tooLong(keywords);
  return {
    name: f.name.trim() ? null : 'Enter the product name to generate.',
    features:
      features.length > LIST_MAX
        ? `${features.length} features: use at most ${LIST_MAX} lines.`
        : longFeature >= 0
          ? `Feature ${longFeature + 1} is longer than ${ITEM_MAX} characters.`
          : null,
    keywords:
      keywords.length > LIST_MAX
        ? `${keywords.length} keywords: use at most ${LIST_MAX}.`
        : longKeyword >= 0
          ? `Keyword ${longKeyword + 1} is longer than ${ITEM_MAX} characters.`
          : null,
  };
}

/** The saved photo's URL (presigned anew on every read), if there is one. */
function imageUrlOf(image: ProductContent['image'] | undefined): string | null {
  return image?.imageUrl ?? null;
}

export function ProductPage() {
  const plan = useAppState((s) => s.credits?.plan);
  const catalog = useCatalog();
  const [form, setForm] = useState<ProductForm>({
    name: SAMPLE_PRODUCT.name,
    category: SAMPLE_PRODUCT.category,
    features: SAMPLE_PRODUCT.features.join('\n'),
    keywords: SAMPLE_PRODUCT.keywords.join(', '),
    tone: SAMPLE_PRODUCT.tone,
  });
  const [content, setContent] = useState<ProductContent | null>(null);
  const pickTone = useVoiceTone((tone) => setForm((f) => ({ ...f, tone })));

  const loadContent = () =>
    api
      .productContent(SAMPLE_PRODUCT.id)
      .then(setContent)
      .catch((err) => {
        // A product nothing was saved for yet may answer 404: that is "no content", not an error.
        if ((err as { status?: number }).status === 404) setContent({ productId: SAMPLE_PRODUCT.id, description: null, seo: null, image: null, updatedAt: null });
        else reportError(err, 'Could not load the saved content');
      });
  const contentChanged = useAppState((s) => s.contentChanged);
  useEffect(() => {
    void loadContent();
  }, [contentChanged]);

  const set = (k: keyof ProductForm) => (e: Event) => setForm({ ...form, [k]: (e.currentTarget as HTMLInputElement).value });
  const limits = catalog.limits.productInput;
  const problems = formProblems(form, limits);
  const blocked = problems.name ?? (problems.features || problems.keywords ? 'Fix the product details above to generate.' : null);
  const featureCount = featureLines(form.features).length;

  return (
    <div class="page">
      <PageHeader section="Inventory" href="#/product" page="Edit Product" title={form.name.trim() || 'Untitled product'} />

      <section class="card" aria-labelledby="product-fields-title">
        <CardHead
          id="product-fields-title"
          title="Product details"
          note="What the AI writes from. Changes here are used for the next generation; the product itself is edited in your store."
        />
        <div class="form-grid" data-testid="product-details">
          <div class="field">
            <label for="p-name">Name</label>
            <input id="p-name" value={form.name} onInput={set('name')} maxLength={limits.nameMaxChars} required data-testid="product-name" />
          </div>
          <div class="field">
            <label for="p-category">Category</label>
            <input id="p-category" value={form.category} onInput={set('category')} maxLength={limits.categoryMaxChars} data-testid="product-category" />
          </div>
          <div class="field span-2">
            <label for="p-features">Features</label>
            <textarea
              id="p-features"
              rows={4}
              value={form.features}
              onInput={set('features')}
              aria-describedby={problems.features ? 'p-features-hint p-features-error' : 'p-features-hint'}
              aria-invalid={problems.features ? 'true' : undefined}
              data-testid="product-features"
            />
            <span id="p-features-hint" class="hint">
              One per line, up to {limits.listMaxItems} ({featureCount} now).
            </span>
            {problems.features && (
              <span id="p-features-error" class="field-error" role="alert" data-testid="product-features-error">
                {problems.features}
              </span>
            )}
          </div>
          <div class="field">
            <label for="p-keywords">Keywords</label>
            <input
              id="p-keywords"
              value={form.keywords}
              onInput={set('keywords')}
              aria-describedby={problems.keywords ? 'p-keywords-hint p-keywords-error' : 'p-keywords-hint'}
              aria-invalid={problems.keywords ? 'true' : undefined}
              data-testid="product-keywords"
            />
            <span id="p-keywords-hint" class="hint">
              Separated by commas.
            </span>
            {problems.keywords && (
              <span id="p-keywords-error" class="field-error" role="alert" data-testid="product-keywords-error">
                {problems.keywords}
              </span>
            )}
          </div>
          <SelectField
            id="p-tone"
            label="Tone"
            value={form.tone}
            options={TONES}
            onChange={(tone) => {
              pickTone();
              setForm({ ...form, tone });
            }}
            testId="product-tone"
          />
        </div>
      </section>

      <DescriptionSection form={form} blocked={blocked} saved={content?.description ?? null} onSaved={loadContent} />
      <SeoSection
        form={form}
        blocked={blocked}
        allowed={planHasFeature(catalog, plan, 'seo_meta')}
        planKnown={plan !== undefined}
        saved={content?.seo ?? null}
        onSaved={loadContent}
      />
      <ImageSection allowed={planHasFeature(catalog, plan, 'image_enhancement')} planKnown={plan !== undefined} saved={imageUrlOf(content?.image)} onSaved={loadContent} />
    </div>
  );
}

type Seo = { title: string; description: string };

interface SectionProps {
  form: ProductForm;
  /** Why generating from the form is not possible now (null: it is). */
  blocked: string | null;
  onSaved: () => Promise<unknown>;
}

function DescriptionSection({ form, blocked, saved, onSaved }: SectionProps & { saved: string | null }) {
  const g = useGeneration('product.description', 'product_description', {
    title: 'Description saved',
    message: 'It is now the product’s description.',
    after: onSaved,
  });
  const { draft, keeping, edit, keep, undoKeep, undoing } = useKeptDraft<'product_description', string>(g, {
    field: 'description',
    focusId: 'description-draft-text',
    title: 'Description saved',
    onSaved,
    save: (value) => api.editContent(SAMPLE_PRODUCT.id, { description: value.trim() }),
  });
  const text = draft.top?.value ?? '';
  const problem = !text.trim()
    ? 'Write the description to keep it.'
    : text.trim().length > MANUAL_DESCRIPTION_MAX
      ? `A description holds at most ${MANUAL_DESCRIPTION_MAX.toLocaleString()} characters.`
      : null;
  return (
    <section class="card" aria-labelledby="desc-title" data-testid="description-section">
      <CardHead id="desc-title" title="Description" feature="product_description" note="Write it with AI from the details above, then pick the one to keep.">
        <div class="row">
          <GenerateButton
            g={g}
            label="Generate description"
            onClick={() => g.generate(productInput(form), SAMPLE_PRODUCT.id)}
            testId="generate-description"
            disabled={blocked !== null}
            disabledReason={blocked ?? undefined}
          />
        </div>
      </CardHead>

      <GeneratedVariants g={g} name="description" live onEdit={(v) => g.generation && edit(v.text, { generationId: g.generation.id, index: v.index })}>
        {(v) => (
          <p class="variant-text" data-testid="variant-text">
            {v.text}
          </p>
        )}
      </GeneratedVariants>
      <PastOptions g={g} productId={SAMPLE_PRODUCT.id} name="description" noun="descriptions" />

      <DraftEditor name="description" label="description" g={g} draft={draft} problem={problem} keeping={keeping} onKeep={() => void keep()} valueOf={(v: TextVariant) => v.text}>
        <div class="field">
          <label for="description-draft-text">Description</label>
          <textarea
            id="description-draft-text"
            rows={6}
            value={text}
            onInput={(e) => draft.edit((e.currentTarget as HTMLTextAreaElement).value)}
            aria-describedby="description-draft-count"
            data-testid="description-draft-text"
          />
          <span id="description-draft-count" class="hint">
            {text.trim().length.toLocaleString()} of {MANUAL_DESCRIPTION_MAX.toLocaleString()} characters.
          </span>
        </div>
      </DraftEditor>

      <div class="saved" data-testid="saved-description">
        <div class="saved-head">
          <h3>Current description</h3>
          <div class="row">
            {!draft.top && <UndoKeepButton undo={undoKeep} busy={undoing} label="description" testId="saved-description-undo" />}
            {saved && !draft.top && (
              <button type="button" class="button small ghost" onClick={() => edit(saved, null)} aria-label="Edit the current description" data-testid="saved-description-edit">
                Edit
              </button>
            )}
            <HistoryButton field="description" label="Description" />
          </div>
        </div>
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
  const { titleMaxChars, descriptionMaxChars } = useCatalog().limits.seo;
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
      <div class="serp-title">{title.length > titleMaxChars ? `${title.slice(0, titleMaxChars - 1)}…` : title}</div>
      <div class="serp-desc">{description.length > descriptionMaxChars ? `${description.slice(0, descriptionMaxChars - 1)}…` : description}</div>
    </div>
  );
}

function SeoSection({
  form,
  blocked,
  allowed,
  planKnown,
  saved,
  onSaved,
}: SectionProps & { allowed: boolean; planKnown: boolean; saved: ProductContent['seo'] }) {
  const g = useGeneration('product.seo', 'seo_meta', { title: 'Meta tags saved', after: onSaved });
  const { titleMaxChars, descriptionMaxChars } = useCatalog().limits.seo;
  const { draft, keeping, edit, keep, undoKeep, undoing } = useKeptDraft<'seo_meta', Seo>(g, {
    field: 'seo',
    focusId: 'seo-draft-title',
    title: 'Meta tags saved',
    onSaved,
    save: (value) => api.editContent(SAMPLE_PRODUCT.id, { seo: { title: value.title.trim(), description: value.description.trim() } }),
  });
  const value = draft.top?.value ?? { title: '', description: '' };
  const title = value.title.trim();
  const description = value.description.trim();
  const problem = !title || !description
    ? 'Write both the title and the description to keep them.'
    : title.length > titleMaxChars
      ? `The title holds at most ${titleMaxChars} characters.`
      : description.length > descriptionMaxChars
        ? `The description holds at most ${descriptionMaxChars} characters.`
        : null;
  const seoOf = (v: SeoVariant): Seo => ({ title: v.title, description: v.description });
  return (
    <section class="card" aria-labelledby="seo-title" data-testid="seo-section">
      <CardHead id="seo-title" title="SEO meta tags" feature="seo_meta" note="A title and a description for search engines, with a preview of the result.">
        {allowed && (
          <GenerateButton
            g={g}
            label="Generate meta tags"
            onClick={() => g.generate(productInput(form), SAMPLE_PRODUCT.id)}
            testId="generate-seo"
            disabled={blocked !== null}
            disabledReason={blocked ?? undefined}
          />
        )}
      </CardHead>
      {!allowed && planKnown && (
        <UpgradePrompt feature="seo_meta" text="Get search-ready titles and descriptions written for every product." testId="seo-upgrade" />
      )}
      {allowed && (
        <GeneratedVariants g={g} name="seo" onEdit={(v) => g.generation && edit(seoOf(v), { generationId: g.generation.id, index: v.index })}>
          {(v) => (
            <>
              <dl class="seo-fields">
                <div>
                  <dt>
                    Title <Counter value={v.title} max={titleMaxChars} testId="seo-title-counter" label="Title length" />
                  </dt>
                  <dd data-testid="seo-title">{v.title}</dd>
                </div>
                <div>
                  <dt>
                    Description <Counter value={v.description} max={descriptionMaxChars} testId="seo-description-counter" label="Description length" />
                  </dt>
                  <dd data-testid="seo-description">{v.description}</dd>
                </div>
              </dl>
              <SearchPreview title={v.title} description={v.description} name={form.name} />
            </>
          )}
        </GeneratedVariants>
      )}
      {allowed && <PastOptions g={g} productId={SAMPLE_PRODUCT.id} name="seo" noun="meta tags" />}
      <DraftEditor name="seo" label="meta tags" g={g} draft={draft} problem={problem} keeping={keeping} onKeep={() => void keep()} valueOf={seoOf}>
        <div class="form-grid">
          <div class="field span-2">
            <label for="seo-draft-title">
              Title <Counter value={value.title} max={titleMaxChars} testId="seo-draft-title-counter" label="Title length" />
            </label>
            <input id="seo-draft-title" value={value.title} onInput={(e) => draft.edit({ ...value, title: (e.currentTarget as HTMLInputElement).value })} data-testid="seo-draft-title" />
          </div>
          <div class="field span-2">
            <label for="seo-draft-description">
              Description <Counter value={value.description} max={descriptionMaxChars} testId="seo-draft-description-counter" label="Description length" />
            </label>
            <textarea
              id="seo-draft-description"
              rows={3}
              value={value.description}
              onInput={(e) => draft.edit({ ...value, description: (e.currentTarget as HTMLTextAreaElement).value })}
              data-testid="seo-draft-description"
            />
          </div>
        </div>
        <SearchPreview title={value.title} description={value.description} name={form.name} />
      </DraftEditor>
      {(saved || allowed) && (
        <div class="saved" data-testid="saved-seo-area">
          <div class="saved-head">
            <h3>Current meta tags</h3>
            <div class="row">
              {!draft.top && <UndoKeepButton undo={undoKeep} busy={undoing} label="meta tags" testId="saved-seo-undo" />}
              {saved && allowed && !draft.top && (
                <button type="button" class="button small ghost" onClick={() => edit({ title: saved.title, description: saved.description }, null)} aria-label="Edit the current meta tags" data-testid="saved-seo-edit">
                  Edit
                </button>
              )}
              <HistoryButton field="seo" label="Meta tags" />
            </div>
          </div>
          {saved ? (
            <div data-testid="saved-seo">
              <SearchPreview title={saved.title} description={saved.description} name={form.name} />
            </div>
          ) : (
            <p class="muted">No meta tags saved yet.</p>
          )}
        </div>
      )}
    </section>
  );
}

/** How a merchant names each photo type the API accepts (the catalog's `limits.upload.contentTypes`). */
const TYPE_NAMES: Record<string, string> = { 'image/jpeg': 'JPEG', 'image/png': 'PNG', 'image/webp': 'WebP' };
const typeName = (contentType: string) => TYPE_NAMES[contentType] ?? contentType.replace(/^image\//, '').toUpperCase();

/** "JPEG, PNG or WebP". */
function typeNames(contentTypes: readonly string[]): string {
  const names = contentTypes.map(typeName);
  return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`;
}

/** "10 MB" (binary megabytes, as the API counts them). */
function megabytes(bytes: number): string {
  return `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MB`;
}

/**
 * The image type the file's first bytes say it is (null: not a JPEG, PNG or WebP). A file's name and
 * its browser-given type are only its name: a text file renamed `.jpg` must not be shown or sent.
 */
export async function sniffImageType(file: Blob): Promise<string | null> {
  const b = new Uint8Array(await file.slice(0, 12).arrayBuffer());
  if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  if ([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a].every((v, i) => b[i] === v)) return 'image/png';
  const ascii = (from: number, to: number) => String.fromCharCode(...b.slice(from, to));
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'image/webp';
  return null;
}

/** Option 2 is the white background, when the pipeline managed it (it skips busy backgrounds). */
function imageHeading(v: ImageVariant): string {
  if (v.index === 0) return 'Enhanced';
  return backgroundWhitened(v.operations) ? 'White background' : 'Enhanced, background kept';
}

function imageAlt(v: ImageVariant): string {
  if (v.index === 0) return 'Enhanced photo';
  return backgroundWhitened(v.operations) ? 'Photo on a white background' : 'Enhanced photo with its own background';
}

function ImageSection({ allowed, planKnown, saved, onSaved }: { allowed: boolean; planKnown: boolean; saved: string | null; onSaved: () => Promise<unknown> }) {
  const g = useGeneration('product.image', 'image_enhancement', { title: 'Product photo saved', after: onSaved });
  const catalog = useCatalog();
  const { contentTypes, maxBytes } = catalog.limits.upload;
  const [file, setFile] = useState<{ blob: File; type: string } | null>(null);
  const [preview, setPreview] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const { busy: uploading, run: upload } = useAction('The photo upload failed');
  const input = useRef<HTMLInputElement>(null);
  const gen = g.generation;

  useEffect(() => () => void (preview && URL.revokeObjectURL(preview)), [preview]);

  const choose = async (e: Event) => {
    const el = e.currentTarget as HTMLInputElement;
    const f = el.files?.[0] ?? null;
    if (!f) return;
    const type = await sniffImageType(f);
    const refuse = (message: string) => {
      setProblem(message);
      setFile(null);
      setPreview(null);
      // The same file chosen again (after the merchant fixed nothing) should say so again.
      el.value = '';
    };
    if (!type || !(contentTypes as readonly string[]).includes(type)) return refuse(`“${f.name}” is not a ${typeNames(contentTypes)} image. Choose a photo file.`);
    if (f.size > maxBytes) return refuse(`“${f.name}” is larger than ${megabytes(maxBytes)}. Choose a smaller photo.`);
    setProblem(null);
    setFile({ blob: f, type });
    setPreview(URL.createObjectURL(f));
  };

  const enhance = async () => {
    if (!file) return;
    const uploadId = await upload(async () => {
      const created = await api.createUpload(file.type, file.blob.size);
      await putUpload(created.uploadUrl, file.blob, file.type);
      return created.uploadId;
    });
    if (uploadId === undefined) return;
    await g.generate({ uploadId }, SAMPLE_PRODUCT.id);
  };

  const busy = uploading || g.busy === 'generate';
  return (
    <section class="card" aria-labelledby="image-title" data-testid="image-section">
      <CardHead id="image-title" title="Product photo" feature="image_enhancement" note="Upload a photo: get it enhanced, and cut out on a clean white background." />
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
          accept={contentTypes.join(',')}
          onChange={choose}
          data-testid="image-file"
        />
        <span class="muted">{file ? file.blob.name : `${typeNames(contentTypes)}, up to ${megabytes(maxBytes)}.`}</span>
        <ChargedButton
          label="Enhance photo"
          cost={g.cost}
          busy={busy}
          busyLabel={uploading ? 'Uploading…' : 'Enhancing…'}
          onClick={enhance}
          testId="generate-image"
          disabled={!file}
          disabledReason="Choose a photo first."
        />
      </div>
      {problem && (
        <p class="field-error" role="alert" data-testid="image-error">
          {problem}
        </p>
      )}
      {!allowed && planKnown && (
        <p class="hint">
          {featureOf(catalog, 'image_enhancement').label} come with the {joinNames(plansWith(catalog, 'image_enhancement').map((p) => p.label))} plans.
        </p>
      )}
      {(preview || gen) && (
        <div class="image-compare">
          {preview && (
            <figure class="image-tile" data-testid="image-original">
              <img src={preview} alt="Original upload" />
              <figcaption>Original</figcaption>
            </figure>
          )}
          <VariantCards g={g} testId="variant-image" heading={imageHeading}>
            {(v) => (
              <figure class="image-tile">
                <img src={v.imageUrl} alt={imageAlt(v)} loading="lazy" />
                <figcaption data-testid="variant-image-caption">
                  {describeImageSteps(v.operations)} · {v.width}×{v.height} px
                  {v.index > 0 && !backgroundWhitened(v.operations) && (
                    <span class="block muted" data-testid="variant-image-note">
                      The background could not be made white: it is not plain enough to tell from the product.
                    </span>
                  )}
                </figcaption>
              </figure>
            )}
          </VariantCards>
        </div>
      )}
      <RegenerateButton g={g} testId="regenerate-image" />
      {allowed && <PastOptions g={g} productId={SAMPLE_PRODUCT.id} name="image" noun="photos" />}
      {(saved || allowed) && (
        <div class="saved" data-testid="saved-image-area">
          <div class="saved-head">
            <h3>Current product photo</h3>
            <HistoryButton field="image" label="Product photo" />
          </div>
          {saved ? (
            <div data-testid="saved-image">
              <img class="saved-image" src={saved} alt="Current product photo" />
            </div>
          ) : (
            <p class="muted">No photo saved yet.</p>
          )}
        </div>
      )}
    </section>
  );
}
