/**
 * Storefront design proposals: a palette, a font pairing and home-page sections with copy.
 * The two proposals share a style but not a look: variant 0 is light, variant 1 is dark (or, for
 * playful, a far-away hue), their fonts differ and their section orders come from disjoint sets.
 * Every palette goes through repairPalette, so body text is always readable.
 */
import { repairPalette } from '#core/contrast.ts';
import type { DesignVariant } from '#core/model.ts';
import type { DesignInput } from '#core/schemas.ts';
import type { Rng } from './random.ts';
import { capitalize, clean, midSentence, tidy } from './text.ts';

type Style = NonNullable<DesignInput['style']>;
type Palette = DesignVariant['palette'];
type Section = DesignVariant['sections'][number];
type SectionType = Section['type'];

const INFERRED_STYLES: Array<[RegExp, Style]> = [
  [/jewel|luxur|fashion|beauty|cosmetic|skin|spa|wedding|bridal|wine|perfume|fragrance|boutique|gallery|art\b|watch/i, 'elegant'],
  [/toy|kid|child|baby|pet|candy|sweet|game|party|craft|gift|snack|ice cream/i, 'playful'],
  [/tech|electronic|gadget|fitness|gym|sport|gaming|outdoor|auto|music|street|bike|cycling/i, 'bold'],
];

/** Hue families that suit an industry; anything else gets any hue. */
const INDUSTRY_HUES: Array<[RegExp, number, number]> = [
  [/coffee|bakery|bread|chocolate|cacao|leather|wood|furniture|tea/i, 15, 40],
  [/eco|garden|plant|organic|green|farm|herb|vegan|natural/i, 85, 150],
  [/ocean|sea|water|swim|surf|travel|tech|electronic|software|clean/i, 190, 230],
  [/beauty|flower|floral|wedding|bridal|cosmetic|skin/i, 320, 355],
  [/food|spice|sauce|fruit|juice|kitchen/i, 0, 35],
];

function styleOf(input: DesignInput): Style {
  if (input.style) return input.style;
  const text = `${input.industry} ${input.audience ?? ''}`;
  return INFERRED_STYLES.find(([re]) => re.test(text))?.[1] ?? 'minimal';
}

function hsl(h: number, s: number, l: number): string {
  const hue = ((h % 360) + 360) % 360;
  const sat = s / 100;
  const light = l / 100;
  const k = (n: number) => (n + hue / 30) % 12;
  const a = sat * Math.min(light, 1 - light);
  const f = (n: number) => light - a * Math.max(-1, Math.min(k(n) - 3, Math.min(9 - k(n), 1)));
  return `#${[f(0), f(8), f(4)].map((x) => Math.round(x * 255).toString(16).padStart(2, '0')).join('')}`;
}

function buildPalette(style: Style, hue: number, dark: boolean, rng: Rng): Palette {
  const j = (a: number, b: number) => a + rng.next() * (b - a);
  switch (style) {
    case 'minimal':
      return dark
        ? { background: hsl(hue, j(10, 18), j(9, 13)), text: hsl(hue, j(8, 15), j(90, 95)), primary: hsl(hue, j(40, 60), j(62, 72)), secondary: hsl(hue, j(6, 12), j(55, 65)), accent: hsl(hue + j(150, 210), j(55, 70), j(58, 66)) }
        : { background: hsl(hue, j(8, 20), j(97, 99)), text: hsl(hue, j(10, 20), j(10, 16)), primary: hsl(hue, j(35, 55), j(30, 40)), secondary: hsl(hue, j(6, 12), j(40, 50)), accent: hsl(hue + j(150, 210), j(55, 70), j(45, 52)) };
    case 'bold':
      return dark
        ? { background: hsl(hue, j(25, 40), j(6, 10)), text: hsl(hue, j(10, 30), j(95, 98)), primary: hsl(hue, j(85, 100), j(55, 62)), secondary: hsl(hue + j(30, 60), j(80, 90), j(52, 58)), accent: hsl(hue + j(150, 200), j(90, 100), j(55, 60)) }
        : { background: hsl(hue, j(20, 40), j(97, 99)), text: hsl(hue, j(30, 50), j(8, 12)), primary: hsl(hue, j(80, 95), j(42, 50)), secondary: hsl(hue + j(30, 60), j(75, 90), j(40, 50)), accent: hsl(hue + j(150, 200), j(85, 100), j(50, 58)) };
    case 'elegant':
      return dark
        ? { background: hsl(hue, j(30, 45), j(10, 14)), text: hsl(j(35, 45), j(25, 40), j(90, 94)), primary: hsl(j(38, 46), j(50, 65), j(58, 66)), secondary: hsl(hue, j(15, 25), j(40, 50)), accent: hsl(hue + j(150, 200), j(35, 50), j(55, 65)) }
        : { background: hsl(j(35, 45), j(25, 40), j(94, 97)), text: hsl(hue, j(10, 20), j(12, 18)), primary: hsl(hue, j(35, 50), j(22, 30)), secondary: hsl(hue, j(10, 20), j(40, 50)), accent: hsl(j(38, 46), j(50, 65), j(45, 55)) };
    case 'playful':
      // Playful stays light in both proposals; the second one moves far round the colour wheel instead.
      return { background: hsl(hue, j(70, 90), j(94, 97)), text: hsl(hue, j(30, 50), j(14, 20)), primary: hsl(hue, j(75, 90), j(50, 58)), secondary: hsl(hue + j(100, 140), j(65, 80), j(42, 52)), accent: hsl(hue + j(220, 260), j(80, 95), j(55, 62)) };
  }
}

const FONTS: Record<Style, Array<{ heading: string; body: string }>> = {
  minimal: [
    { heading: 'Inter', body: 'Inter' },
    { heading: 'Helvetica Neue', body: 'Arial' },
    { heading: 'Work Sans', body: 'Inter' },
    { heading: 'DM Sans', body: 'DM Sans' },
    { heading: 'IBM Plex Sans', body: 'IBM Plex Sans' },
  ],
  bold: [
    { heading: 'Montserrat', body: 'Open Sans' },
    { heading: 'Oswald', body: 'Roboto' },
    { heading: 'Archivo Black', body: 'Archivo' },
    { heading: 'Poppins', body: 'Inter' },
    { heading: 'Bebas Neue', body: 'Lato' },
  ],
  elegant: [
    { heading: 'Playfair Display', body: 'Lato' },
    { heading: 'Cormorant Garamond', body: 'Montserrat' },
    { heading: 'Libre Baskerville', body: 'Source Sans Pro' },
    { heading: 'Georgia', body: 'Helvetica Neue' },
    { heading: 'Lora', body: 'Raleway' },
  ],
  playful: [
    { heading: 'Fredoka', body: 'Nunito' },
    { heading: 'Poppins', body: 'Nunito' },
    { heading: 'Comfortaa', body: 'Open Sans' },
    { heading: 'Quicksand', body: 'Nunito Sans' },
    { heading: 'Baloo Bhai', body: 'Quicksand' },
  ],
};

// Variant 0 leads with products, variant 1 with the story: the two sets never share an order.
const ORDERS: [SectionType[][], SectionType[][]] = [
  [
    ['hero', 'featured_products', 'about', 'testimonials', 'newsletter'],
    ['hero', 'featured_products', 'testimonials', 'about', 'newsletter'],
    ['hero', 'featured_products', 'about', 'faq', 'newsletter'],
    ['hero', 'featured_products', 'testimonials', 'faq', 'about', 'newsletter'],
  ],
  [
    ['hero', 'about', 'featured_products', 'faq', 'newsletter'],
    ['hero', 'about', 'testimonials', 'featured_products', 'newsletter'],
    ['hero', 'testimonials', 'featured_products', 'about', 'faq'],
    ['hero', 'about', 'featured_products', 'testimonials', 'faq', 'newsletter'],
  ],
];

interface Store {
  name: string;
  /** Mid-sentence: "handmade jewelry". */
  industry: string;
  /** " for busy parents" or "". */
  forAudience: string;
  audience: string | null;
  style: Style;
}

type Copy = (s: Store) => string;
interface SectionCopy {
  headlines: Copy[];
  bodies: Copy[];
  ctas: string[];
}

const bang = (s: Store, text: string) => (s.style === 'playful' ? `${text}!` : text);

const COPY: Record<SectionType, SectionCopy> = {
  hero: {
    headlines: [
      (s) => bang(s, `Welcome to ${s.name}`),
      (s) => (s.style === 'playful' ? `Hello from ${s.name}!` : s.style === 'bold' ? `Meet ${s.name}` : `${s.name}, thoughtfully chosen`),
      (s) => (s.style === 'elegant' ? `The art of ${s.industry}` : bang(s, `Discover ${s.name}`)),
    ],
    bodies: [
      (s) => `Discover ${s.name}: ${s.industry}${s.forAudience}, chosen with care and easy to shop.`,
      (s) => `${capitalize(s.industry)}${s.forAudience}, brought together in one welcoming place. Take a look around.`,
      (s) => `Step into ${s.name} and find something that fits the way you live.`,
    ],
    ctas: ['Shop now', 'Explore the collection', 'Start browsing', 'Browse the shop'],
  },
  featured_products: {
    headlines: [(s) => bang(s, 'Featured products'), (s) => (s.style === 'elegant' ? 'The collection' : bang(s, 'Our current picks')), (s) => bang(s, 'Shop the highlights')],
    bodies: [
      (s) => `A selection of favourites from ${s.name}, updated as new products arrive.`,
      () => 'Browse our current picks and find something you love.',
      (s) => `Hand-picked ${s.industry}${s.forAudience}.`,
    ],
    ctas: ['View all products', 'Shop all', 'See the collection'],
  },
  about: {
    headlines: [(s) => `About ${s.name}`, () => 'Our story', () => 'Who we are'],
    bodies: [
      (s) => `${s.name} is all about ${s.industry}${s.forAudience}. We keep things simple: good products, clear information and a warm welcome.`,
      (s) => `${s.name} exists to make ${s.industry} easy to discover and a pleasure to shop.`,
      (s) => `At ${s.name}, every product page tells you what you need to know, so choosing is easy.`,
    ],
    ctas: ['Read our story', 'Learn more', 'Meet the team'],
  },
  testimonials: {
    headlines: [() => 'What our customers say', () => 'Kind words', (s) => bang(s, 'From our customers')],
    bodies: [
      (s) => `Reviews from ${s.audience ?? 'our customers'} appear here, so new visitors can hear from the people who shop with ${s.name}.`,
      () => 'Real reviews from real customers. Share yours after your next order.',
    ],
    ctas: ['Read reviews', 'Leave a review'],
  },
  newsletter: {
    headlines: [(s) => bang(s, 'Stay in the loop'), () => 'Join our list', (s) => bang(s, 'Be the first to know')],
    bodies: [
      (s) => `New arrivals, stories and offers from ${s.name}, straight to your inbox.`,
      () => 'Sign up for news, new products and the occasional treat. Unsubscribe any time.',
    ],
    ctas: ['Subscribe', 'Sign up', 'Join now'],
  },
  faq: {
    headlines: [() => 'Frequently asked questions', () => 'Questions? Answers.', () => 'Good to know'],
    bodies: [
      (s) => `Everything you need to know about ordering from ${s.name}, from choosing the right product to what happens after checkout.`,
      () => 'Quick answers about orders, delivery and returns. Still curious? Get in touch.',
    ],
    ctas: ['Contact us', 'See all answers', 'Ask a question'],
  },
};

/** Choices both proposals must agree on so they stay distinct: hue, font order. */
export interface DesignBase {
  hue: number;
  fontOrder: number[];
}

export function designBase(input: DesignInput, rng: Rng): DesignBase {
  const text = `${input.industry} ${input.storeName}`;
  const range = INDUSTRY_HUES.find(([re]) => re.test(text));
  const hue = range ? range[1] + rng.int(range[2] - range[1] + 1) : rng.int(360);
  return { hue, fontOrder: rng.shuffle(FONTS[styleOf(input)].map((_, i) => i)) };
}

export function designStore(input: DesignInput, rng: Rng, index: number, base: DesignBase): DesignVariant {
  const style = styleOf(input);
  const audience = input.audience ? midSentence(clean(input.audience)) : null;
  const store: Store = {
    name: clean(input.storeName) || 'Our store',
    industry: midSentence(clean(input.industry)) || 'our products',
    forAudience: audience ? ` for ${audience}` : '',
    audience,
    style,
  };
  // The second proposal sits well away on the colour wheel and, except for playful, goes dark.
  const hue = index === 0 ? base.hue : base.hue + 120 + rng.int(121);
  const palette = repairPalette(buildPalette(style, hue, index === 1 && style !== 'playful', rng));
  const fonts = FONTS[style][base.fontOrder[index % base.fontOrder.length]];
  const sections = rng.pick(ORDERS[index === 0 ? 0 : 1]).map((type): Section => {
    const copy = COPY[type];
    const section: Section = { type, headline: tidy(rng.pick(copy.headlines)(store)), body: tidy(rng.pick(copy.bodies)(store)) };
    if (type !== 'testimonials' || rng.chance(0.5)) section.cta = rng.pick(copy.ctas);
    return section;
  });
  return { palette, fonts, sections };
}
