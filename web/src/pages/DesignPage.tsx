/**
 * Website Design: generate two homepage proposals and preview each live, in its own palette and
 * fonts with its sections in order; pick one as the store's design.
 */
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.ts';
import { reportError } from '../actions.ts';
import { getState, useAppState } from '../store.ts';
import { countWord, featureOf, useCatalog } from '../catalog.ts';
import { CardHead } from '../components/CardHead.tsx';
import { SelectField } from '../components/fields.tsx';
import { GenerateButton, GeneratedVariants, useGeneration } from '../components/generation.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { capitalize } from '../format.ts';
import type { DesignSection, DesignStyle, DesignVariant, Generation, InputOf } from '../types.ts';

/**
 * The API keeps the chosen design on its generation (`selectedIndex`) but has no "store design" read:
 * the page remembers which generation holds it, per account, and reads it back from the API.
 */
const savedDesignKey = (accountId: string) => `aiCredits.design.${accountId}`;

function useSavedDesign() {
  const accountId = useAppState((s) => s.accountId);
  const [saved, setSaved] = useState<{ generation: Generation<'website_design'>; variant: DesignVariant } | null>(null);
  const load = async (id: string | null) => {
    if (!id) return setSaved(null);
    try {
      const gen = await api.generation<'website_design'>(id);
      // The picked option is a generated design, never a locked teaser (those cannot be selected).
      const variant = gen.variants.find((v): v is DesignVariant => v.index === gen.selectedIndex && !v.locked);
      setSaved(variant ? { generation: gen, variant } : null);
    } catch (err) {
      // A generation this account no longer sees (another stack, another account): forget it quietly.
      if ((err as { status?: number }).status === 404) localStorage.removeItem(savedDesignKey(accountId));
      else reportError(err, 'Could not load your current design');
    }
  };
  useEffect(() => {
    void load(localStorage.getItem(savedDesignKey(accountId)));
  }, [accountId]);
  const remember = async (generationId: string) => {
    localStorage.setItem(savedDesignKey(getState().accountId), generationId);
    await load(generationId);
  };
  return { saved, remember };
}

const STYLES: readonly DesignStyle[] = ['minimal', 'bold', 'elegant', 'playful'];
const SERIF = /serif|garamond|playfair|georgia|lora|merriweather|baskerville|didot|bodoni|times|crimson|cormorant/i;

/** The proposal's font first; a generic family of the same kind when it is not installed (no web fonts at run time). */
function fontStack(name: string): string {
  const generic = SERIF.test(name) && !/sans/i.test(name) ? 'Georgia, "Times New Roman", serif' : 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
  const clean = name.replace(/["\\;{}]/g, '').trim();
  return clean ? `"${clean}", ${generic}` : generic;
}

/** Only `#rgb`/`#rrggbb` reach a style attribute; anything else falls back to a neutral. */
function hex(value: string, fallback: string): string {
  return /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i.test(value) ? value : fallback;
}

type Rgb = [number, number, number];

function rgbOf(color: string): Rgb {
  const h = color.length === 4 ? color.replace(/^#(.)(.)(.)$/, '#$1$1$2$2$3$3') : color;
  return [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16)) as Rgb;
}

function hexOf(rgb: Rgb): string {
  return `#${rgb.map((c) => Math.round(c).toString(16).padStart(2, '0')).join('')}`;
}

/** WCAG relative luminance. */
function luminance(color: string): number {
  const [r, g, b] = rgbOf(color).map((v) => {
    const c = v / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

/** The colour moved toward black or white, in steps, until `ok` holds (at worst black or white itself). */
function shadeUntil(color: string, toward: '#000000' | '#ffffff', ok: (c: string) => boolean): string {
  const from = rgbOf(color);
  const to = rgbOf(toward);
  for (let t = 0; t <= 1.0001; t += 0.05) {
    const c = hexOf(from.map((v, i) => v + (to[i] - v) * t) as Rgb);
    if (ok(c)) return c;
  }
  return toward;
}

/** The small print of the preview is held to WCAG AA (4.5:1) whatever palette the model proposed. */
const AA = 4.5;

/**
 * A filled colour and the label on it: black or white, whichever reads better; when neither reaches
 * AA (mid-tones such as #be5c77), the fill keeps its hue and is shaded until white (or black) does.
 */
function readablePair(fill: string): { fill: string; on: string } {
  const black = contrast(fill, '#111111');
  const white = contrast(fill, '#ffffff');
  if (Math.max(black, white) >= AA) return { fill, on: black >= white ? '#111111' : '#ffffff' };
  return black >= white
    ? { fill: shadeUntil(fill, '#ffffff', (c) => contrast(c, '#111111') >= AA), on: '#111111' }
    : { fill: shadeUntil(fill, '#000000', (c) => contrast(c, '#ffffff') >= AA), on: '#ffffff' };
}

/** `share` of `a` over `b`, as CSS `color-mix(in srgb, a share, b)` draws it. */
function mix(a: string, b: string, share: number): string {
  const [x, y] = [rgbOf(a), rgbOf(b)];
  return hexOf(x.map((v, i) => v * share + y[i] * (1 - share)) as Rgb);
}

/**
 * A text colour that reads on every background it is laid on (the page and its tinted sections),
 * shaded away from them until it does.
 */
function readableText(text: string, backgrounds: string[]): string {
  const ok = (c: string) => backgrounds.every((b) => contrast(c, b) >= AA);
  if (ok(text)) return text;
  return shadeUntil(text, luminance(backgrounds[0]) > 0.18 ? '#000000' : '#ffffff', ok);
}

function Section({ s, storeName }: { s: DesignSection; storeName: string }) {
  switch (s.type) {
    case 'hero':
      return (
        <section class="mp-hero">
          <h5 class="mp-h">{s.headline}</h5>
          <p>{s.body}</p>
          {s.cta && <span class="mp-cta">{s.cta}</span>}
        </section>
      );
    case 'featured_products':
      return (
        <section class="mp-section">
          <h6 class="mp-h">{s.headline}</h6>
          <p>{s.body}</p>
          <div class="mp-products">
            {[0, 1, 2].map((i) => (
              <div key={i} class="mp-product">
                <span class={`mp-thumb t${i}`} />
                <span class="mp-line" />
                <span class="mp-line short" />
              </div>
            ))}
          </div>
          {s.cta && <span class="mp-cta ghost">{s.cta}</span>}
        </section>
      );
    case 'testimonials':
      return (
        <section class="mp-section mp-alt">
          <h6 class="mp-h">{s.headline}</h6>
          <blockquote>“{s.body}”</blockquote>
        </section>
      );
    case 'newsletter':
      return (
        <section class="mp-section mp-news">
          <h6 class="mp-h">{s.headline}</h6>
          <p>{s.body}</p>
          <div class="mp-form">
            <span class="mp-input">you@example.com</span>
            <span class="mp-cta">{s.cta ?? 'Subscribe'}</span>
          </div>
        </section>
      );
    case 'faq':
      return (
        <section class="mp-section">
          <h6 class="mp-h">{s.headline}</h6>
          <div class="mp-faq">
            <span>＋ {s.body}</span>
          </div>
        </section>
      );
    case 'about':
    default:
      return (
        <section class="mp-section">
          <h6 class="mp-h">{s.headline || `About ${storeName}`}</h6>
          <p>{s.body}</p>
          {s.cta && <span class="mp-cta ghost">{s.cta}</span>}
        </section>
      );
  }
}

export function MiniPreview({ design, storeName }: { design: DesignVariant; storeName: string }) {
  const p = design.palette;
  const bg = hex(p.background, '#ffffff');
  const primary = readablePair(hex(p.primary, '#1f2937'));
  const secondary = hex(p.secondary, '#6b7280');
  const accent = readablePair(hex(p.accent, '#f59e0b'));
  const style = {
    '--mp-on-primary': primary.on,
    '--mp-on-accent': accent.on,
    '--mp-primary': primary.fill,
    // Outlined buttons write in the primary colour on the page background.
    '--mp-primary-text': readableText(primary.fill, [bg]),
    '--mp-secondary': secondary,
    '--mp-accent': accent.fill,
    '--mp-bg': bg,
    // The testimonials and newsletter sections tint the page (styles.css: .mp-alt, .mp-news).
    '--mp-text': readableText(hex(p.text, '#111827'), [bg, mix(secondary, bg, 0.12), mix(primary.fill, bg, 0.1)]),
    '--mp-heading-font': fontStack(design.fonts.heading),
    '--mp-body-font': fontStack(design.fonts.body),
  } as Record<string, string>;
  return (
    <div class="mini-preview" style={style} data-testid="design-preview" aria-label={`Homepage preview for ${storeName}`} role="img">
      <div class="mp-browser" aria-hidden="true">
        <span />
        <span />
        <span />
      </div>
      <div class="mp-page" aria-hidden="true">
        <nav class="mp-nav">
          <strong class="mp-h">{storeName}</strong>
          <span>Shop · About · Contact</span>
        </nav>
        {design.sections.map((s, i) => (
          <Section key={i} s={s} storeName={storeName} />
        ))}
        <footer class="mp-footer">© {storeName}</footer>
      </div>
    </div>
  );
}

function Palette({ design }: { design: DesignVariant }) {
  return (
    <div class="palette">
      <ul class="swatches" role="list" aria-label="Palette">
        {(Object.entries(design.palette) as Array<[string, string]>).map(([name, value]) => (
          <li key={name} title={`${name}: ${value}`}>
            <span class="swatch" style={{ background: hex(value, 'transparent') }} aria-hidden="true" />
            <span class="swatch-label">
              {name} <code>{value}</code>
            </span>
          </li>
        ))}
      </ul>
      <p class="muted small">
        Fonts: <strong>{design.fonts.heading}</strong> / {design.fonts.body} · Sections: {design.sections.map((s) => s.type.replace('_', ' ')).join(' → ')}
      </p>
    </div>
  );
}

export function DesignPage() {
  const [storeName, setStoreName] = useState('Aurora Coffee Co.');
  const [industry, setIndustry] = useState('Specialty coffee and brewing gear');
  const [audience, setAudience] = useState('Home baristas who care about craft');
  const [style, setStyle] = useState<DesignStyle>('elegant');
  const { saved, remember } = useSavedDesign();
  const catalog = useCatalog();
  const g = useGeneration('design', 'website_design', {
    title: 'Design saved',
    message: 'It is now your store’s design.',
    after: async () => {
      const id = getState().generations.design?.id;
      if (id) await remember(id);
    },
  });
  const gen = g.generation;
  const nameForPreview = storeName.trim() || 'Your store';
  const missing = [!storeName.trim() && 'a store name', !industry.trim() && 'an industry'].filter(Boolean) as string[];
  const blocked = missing.length ? `Enter ${missing.join(' and ')} to generate.` : undefined;

  const generate = () => {
    const input: InputOf<'website_design'> = { storeName: storeName.trim(), industry: industry.trim(), style };
    if (audience.trim()) input.audience = audience.trim();
    void g.generate(input);
  };

  return (
    <div class="page">
      <PageHeader section="Online store" href="#/design" page="Website design" />
      <section class="card" aria-labelledby="design-gen-title">
        <CardHead
          id="design-gen-title"
          title="Design a homepage with AI"
          feature="website_design"
          note={`${capitalize(countWord(featureOf(catalog, 'website_design').variants))} proposals, each with a palette, fonts and sections, previewed live.`}
        />
        <form class="form-grid" onSubmit={(e) => e.preventDefault()}>
          <div class="field">
            <label for="d-name">Store name</label>
            <input id="d-name" value={storeName} onInput={(e) => setStoreName(e.currentTarget.value)} maxLength={100} required data-testid="design-store-name" />
          </div>
          <div class="field">
            <label for="d-industry">Industry</label>
            <input id="d-industry" value={industry} onInput={(e) => setIndustry(e.currentTarget.value)} maxLength={100} required data-testid="design-industry" />
          </div>
          <div class="field">
            <label for="d-audience">Audience</label>
            <input id="d-audience" value={audience} onInput={(e) => setAudience(e.currentTarget.value)} maxLength={200} data-testid="design-audience" />
          </div>
          <SelectField id="d-style" label="Style" value={style} options={STYLES} onChange={setStyle} testId="design-style" />
          <div class="span-2 row end">
            <GenerateButton g={g} label="Generate designs" onClick={generate} testId="generate-design" disabled={blocked !== undefined} disabledReason={blocked} />
          </div>
        </form>
      </section>

      {saved && (
        <section class="card" aria-labelledby="saved-design-title" data-testid="saved-design">
          <CardHead
            id="saved-design-title"
            title="Current design"
            note={`Proposal ${saved.variant.index + 1} of the designs generated ${new Date(saved.generation.createdAt).toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' })}.`}
          />
          <MiniPreview design={saved.variant} storeName={nameForPreview} />
          <Palette design={saved.variant} />
        </section>
      )}

      {gen && (
        <section class="card" aria-labelledby="proposals-title">
          <h2 id="proposals-title">Proposals</h2>
          <GeneratedVariants g={g} name="design" heading={(v) => `Proposal ${v.index + 1}`} selectLabel="Use this design">
            {(v) => (
              <>
                <MiniPreview design={v} storeName={nameForPreview} />
                <Palette design={v} />
              </>
            )}
          </GeneratedVariants>
        </section>
      )}
    </div>
  );
}
