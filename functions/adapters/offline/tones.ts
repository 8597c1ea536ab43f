/**
 * The offline writer's phrasebook, one voice per tone. Every line is generic benefit language or
 * a frame around the merchant's own words: no line states a spec, number, price or material.
 * Playful lines carry exclamation marks; professional, neutral and luxury lines never do.
 */
import type { Tone } from '#core/schemas.ts';
import type { Grammar } from './product-facts.ts';
import { capitalize } from './text.ts';

/** What a phrase may refer to. `range` is " from our <category> range" or "". */
export interface PhraseContext {
  name: string;
  /** "the <name>" (no second article if the name already starts with one). */
  theName: string;
  TheName: string;
  range: string;
  g: Grammar;
}

type Line = (c: PhraseContext) => string;
type KeywordLine = (c: PhraseContext, keyword: string) => string;
type ListLine = (list: string, c: PhraseContext) => string;

export interface Voice {
  /** First sentence of the narrative variant. */
  openers: Line[];
  /** First line of the list variant when there is no keyword to lead with. */
  hooks: Line[];
  keywordHooks: KeywordLine[];
  /** Second sentence of the list variant: names the product. */
  intros: Line[];
  detailLines: ListLine[];
  uses: ((uses: string) => string)[];
  highlights: ((detail: string) => string)[];
  /** Lead-in for the merchant's care notes. */
  careLead: string;
  /** Generic benefits; even ones go to variant 0, odd ones to variant 1, so the two never repeat each other. */
  benefits: Line[];
  /** Split between the variants like benefits. */
  keywordLines: KeywordLine[];
  /** Last sentence of the narrative variant. */
  closers: Line[];
  /** Last sentence of the list variant. */
  calls: Line[];
  listHeaders: Line[];
  /** SEO pools are split between the variants like benefits. */
  seoSuffixes: string[];
  seoBenefits: string[];
  seoCalls: string[];
}

export const VOICES: Record<Tone, Voice> = {
  neutral: {
    openers: [
      (c) => `${c.TheName}${c.range} ${c.g.is} a practical choice for everyday use.`,
      (c) => `Introducing ${c.theName}${c.range}, a sensible pick for everyday needs.`,
      (c) => `${c.TheName}${c.range} ${c.g.verb('keeps')} things simple.`,
      (c) => `${c.TheName}${c.range} ${c.g.verb('offers')} a straightforward answer to everyday needs.`,
    ],
    hooks: [
      (c) => `Here is what you need to know about ${c.theName}.`,
      (c) => `A closer look at ${c.theName}.`,
      (c) => `${c.TheName}, in brief.`,
    ],
    keywordHooks: [
      (_c, k) => `Shopping for ${k}? Start here.`,
      (_c, k) => `A straightforward option for anyone looking for ${k}.`,
    ],
    intros: [
      (c) => `${c.TheName}${c.range} ${c.g.is} a sensible everyday option.`,
      (c) => `${c.TheName}${c.range} ${c.g.is} simple to choose and easy to enjoy.`,
      (c) => `${c.TheName}${c.range} ${c.g.verb('covers')} the essentials without fuss.`,
    ],
    detailLines: [(l) => `Key details: ${l}.`, (l) => `What you get: ${l}.`, (l) => `The essentials: ${l}.`],
    uses: [(u) => `Suitable for ${u}.`, (u) => `A good fit for ${u}.`],
    highlights: [(h) => `Worth noting: the ${h}.`, (h) => `One detail stands out: the ${h}.`],
    careLead: 'Good to know',
    benefits: [
      (c) => `${c.g.ItIs} an easy choice for yourself or as a gift.`,
      (c) => `${c.g.It} ${c.g.verb('fits')} neatly into everyday life.`,
      () => 'A straightforward option that does the job without fuss.',
      () => 'An everyday pick that keeps things easy.',
      (c) => `${c.g.ItIs} the kind of purchase that makes sense from the start.`,
      () => 'Practical, unfussy and ready for daily life.',
      (c) => `${c.g.ItIs} a choice you can make with confidence.`,
      () => 'Good for everyday use and easy to recommend.',
      (c) => `Simple to order, and simple to enjoy once ${c.g.itIs} yours.`,
      () => 'No gimmicks, just a sensible choice.',
    ],
    keywordLines: [
      (_c, k) => `A solid option if you are shopping for ${k}.`,
      (_c, k) => `Worth a look for anyone searching for ${k}.`,
    ],
    closers: [
      (c) => `Add ${c.theName} to your cart today.`,
      (c) => `Order now and have ${c.g.obj} ready when you need ${c.g.obj}.`,
      () => 'Order now from our store.',
    ],
    calls: [() => 'Order yours today.', (c) => `Add ${c.g.obj} to your cart to get started.`, (c) => `Choose ${c.theName} and keep things simple.`],
    listHeaders: [() => 'Key details:', () => 'At a glance:', () => 'Features:'],
    seoSuffixes: ['Shop Online', 'Order Online', 'Buy Online'],
    seoBenefits: ['A practical choice for everyday use.', 'Simple, practical and easy to order.'],
    seoCalls: ['Shop now.', 'Order online today.', 'Browse and order online.'],
  },

  friendly: {
    openers: [
      (c) => `Say hello to ${c.theName}${c.range}, your new everyday favourite.`,
      (c) => `Meet ${c.theName}${c.range}: the kind of find that makes you smile.`,
      (c) => `We think you'll love ${c.theName}${c.range} as much as we do.`,
      (c) => `Looking for something you'll reach for again and again? Meet ${c.theName}${c.range}.`,
    ],
    hooks: [
      (c) => `Good news: ${c.theName} ${c.g.is} here!`,
      () => 'Say hello to your new favourite!',
      (c) => `Let's talk about ${c.theName}.`,
    ],
    keywordHooks: [
      (_c, k) => `On the hunt for ${k}? You're going to love this.`,
      (_c, k) => `Hello, ${k} lovers!`,
    ],
    intros: [
      (c) => `${c.TheName}${c.range} ${c.g.is} here to make your day a little easier.`,
      (c) => `${c.TheName}${c.range} ${c.g.is} easy to love and easy to share.`,
      (c) => `${c.TheName}${c.range} ${c.g.verb('brings')} a little extra joy to the everyday.`,
    ],
    detailLines: [
      (l) => `Here's what you get: ${l}.`,
      (l, c) => `Here's what makes ${c.g.obj} special: ${l}.`,
      (l) => `The good stuff: ${l}.`,
    ],
    uses: [(u) => `Perfect for ${u}.`, (u) => `Just right for ${u}.`],
    highlights: [(h) => `You'll love the ${h}.`, (h) => `Our favourite detail? The ${h}.`],
    careLead: 'Quick tip',
    benefits: [
      (c) => `${c.g.ItIs} a little everyday treat you'll be glad you picked up.`,
      (c) => `Keep ${c.g.obj} for yourself or share the love as a gift.`,
      () => 'Easy to love and easy to recommend.',
      (c) => `We have a feeling ${c.g.itIs} going to become a favourite.`,
      () => 'Simple, cheerful and ready whenever you are.',
      () => 'Little joys like this make the everyday brighter.',
      (c) => `${c.g.ItIs} the kind of thing friends ask about.`,
      () => 'Ready for real life, with all its happy chaos.',
      (c) => `Honestly, we can't get enough of ${c.g.obj}.`,
      () => 'A small treat that feels like a big one.',
    ],
    keywordLines: [
      (_c, k) => `If you've been searching for ${k}, you've found a great match.`,
      (_c, k) => `A lovely pick for anyone into ${k}.`,
    ],
    closers: [
      (c) => `Add ${c.g.obj} to your cart and treat yourself today!`,
      () => 'Go on, treat yourself. You deserve it.',
      (c) => `Pop ${c.theName} in your cart today.`,
    ],
    calls: [() => 'Grab yours today!', () => 'Order now and enjoy!', (c) => `Bring ${c.g.obj} home today.`],
    listHeaders: [(c) => `Why you'll love ${c.g.obj}:`, () => "Here's the good stuff:", () => 'What you get:'],
    seoSuffixes: ['Shop Now', 'Find Your New Favourite', 'Treat Yourself'],
    seoBenefits: ['Easy to love and easy to gift.', 'A little everyday joy, delivered.'],
    seoCalls: ['Shop today!', 'Order yours now.'],
  },

  professional: {
    openers: [
      (c) => `${c.TheName}${c.range} ${c.g.verb('offers')} a clear, practical answer to everyday requirements.`,
      (c) => `${c.TheName}${c.range} ${c.g.is} a considered choice for buyers who value function.`,
      (c) => `Selected with practicality in mind, ${c.theName}${c.range} ${c.g.verb('delivers')} where it counts.`,
      (c) => `For buyers who value function and clarity, ${c.theName}${c.range} ${c.g.is} a straightforward choice.`,
    ],
    hooks: [
      (c) => `${c.TheName}: the essentials at a glance.`,
      (c) => `Product overview: ${c.name}.`,
      (c) => `A practical overview of ${c.theName}.`,
    ],
    keywordHooks: [
      (_c, k) => `A practical option for ${k}.`,
      (_c, k) => `Evaluating ${k}? Here is what to know.`,
    ],
    intros: [
      (c) => `${c.TheName}${c.range} ${c.g.verb('combines')} practical features in a clear, no-nonsense design.`,
      (c) => `${c.TheName}${c.range} ${c.g.verb('centres')} on the features that matter.`,
      (c) => `${c.TheName}${c.range} ${c.g.is} a dependable fit for everyday requirements.`,
    ],
    detailLines: [(l) => `Key features: ${l}.`, (l) => `In detail: ${l}.`, (l) => `Features at a glance: ${l}.`],
    uses: [(u) => `Well suited for ${u}.`, (u) => `Intended for ${u}.`],
    highlights: [(h) => `Note the ${h}, a practical advantage in daily use.`, (h) => `The standout feature: the ${h}.`],
    careLead: 'Care note',
    benefits: [
      (c) => `${c.g.It} ${c.g.verb('offers')} a sensible balance of function and value.`,
      () => 'A practical choice that fits a range of everyday requirements.',
      (c) => `${c.g.ItIs} a straightforward, well-considered option.`,
      () => 'A choice that prioritises function without unnecessary complexity.',
      () => 'Clear features, sensible design and no unnecessary extras.',
      () => 'Selected for buyers who value clear, honest product information.',
      (c) => `${c.g.It} ${c.g.verb('integrates')} easily into established routines.`,
      () => 'A sound choice for both personal and professional use.',
      () => 'Straightforward to order and simple to put to use.',
      () => 'Practical value, clearly presented.',
    ],
    keywordLines: [
      (_c, k) => `A practical choice for anyone comparing options for ${k}.`,
      (_c, k) => `Relevant for buyers researching ${k}.`,
    ],
    closers: [(c) => `Order ${c.theName} today.`, (c) => `Add ${c.g.obj} to your order today.`],
    calls: [() => 'Place your order today.', () => 'Order now to get started.', () => 'Complete your order in a few clicks.'],
    listHeaders: [() => 'Key features:', () => 'Overview:', () => 'At a glance:'],
    seoSuffixes: ['Shop Online', 'Order Today', 'Key Features'],
    seoBenefits: ['A practical, well-considered choice.', 'Function-first and easy to order.'],
    seoCalls: ['Order online today.', 'Shop now.'],
  },

  playful: {
    openers: [
      (c) => `Psst! ${c.TheName}${c.range} ${c.g.is} about to become your new obsession.`,
      (c) => `Hold onto your hats: ${c.theName}${c.range} ${c.g.is} here!`,
      (c) => `Warning: ${c.theName}${c.range} may cause spontaneous happy dances.`,
      (c) => `Ta-da! Meet ${c.theName}${c.range}.`,
    ],
    hooks: [() => 'Ready for a little fun?', () => "Stop scrolling, this one's worth it!", () => "Guess who's ready to join your cart?"],
    keywordHooks: [(_c, k) => `Calling all ${k} fans!`, (_c, k) => `${capitalize(k)} cravings? We've got you!`],
    intros: [
      (c) => `${c.TheName}${c.range} ${c.g.is} here to put a grin on your face.`,
      (c) => `Say hi to ${c.theName}${c.range}, the sidekick you didn't know you needed.`,
      (c) => `${c.TheName}${c.range} ${c.g.verb('brings')} the fun, no instructions needed.`,
    ],
    detailLines: [(l) => `The fun facts: ${l}.`, (l) => `Here's the scoop: ${l}.`, (l) => `The good bits: ${l}.`],
    uses: [(u) => `Perfect for ${u}. Yes, really!`, (u) => `Made for ${u} (and good times).`],
    highlights: [(h) => `And the ${h}? Total win.`, (h) => `Bonus points for the ${h}.`],
    careLead: 'Pro tip',
    benefits: [
      () => 'Fun to have, easy to love and even easier to share.',
      (c) => `${c.g.ItIs} the little upgrade your days have been waiting for.`,
      () => 'Treat yourself, treat a friend, or do both!',
      (c) => `Warning: ${c.g.it} may be habit-forming!`,
      (c) => `Your cart is looking a little lonely without ${c.g.obj}.`,
      () => 'Life is short. Get the fun stuff!',
      (c) => `Fair warning: you might end up recommending ${c.g.obj} to everyone!`,
      () => 'Happiness, now in shoppable form!',
      () => 'No boring bits, just good vibes!',
      (c) => `${c.g.ItIs} basically a high five in product form!`,
    ],
    keywordLines: [
      (_c, k) => `Big fan of ${k}? This one's calling your name!`,
      (_c, k) => `${capitalize(k)} lovers, this is your moment!`,
    ],
    closers: [(c) => `Go on, add ${c.g.obj} to your cart!`, (c) => `Don't wait, grab ${c.g.obj} now!`, () => 'Click, add, smile. Easy!'],
    calls: [() => 'Grab yours now!', () => 'Add to cart and let the fun begin!', () => 'Your cart is calling. Answer it!'],
    listHeaders: [(c) => `Why ${c.g.it} ${c.g.verb('rocks')}:`, () => 'The fun stuff:', () => 'What you get:'],
    seoSuffixes: ['Grab Yours Today', 'Treat Yourself', 'Shop the Fun'],
    seoBenefits: ['Fun to have and easy to love!', 'Your new favourite is here!'],
    seoCalls: ['Grab yours now!', 'Shop today!'],
  },

  luxury: {
    openers: [
      (c) => `${c.TheName}${c.range} ${c.g.is} an expression of quiet refinement.`,
      (c) => `Discover ${c.theName}${c.range}, where every detail is considered.`,
      (c) => `Elegant and understated, ${c.theName}${c.range} ${c.g.verb('speaks')} to those who appreciate the finer things.`,
      (c) => `Some pieces simply feel special, and ${c.theName}${c.range} ${c.g.verb('belongs')} among them.`,
    ],
    hooks: [() => 'Refinement, distilled.', () => 'For those who appreciate the finer things.', () => 'An invitation to indulge.'],
    keywordHooks: [(_c, k) => `For the discerning lover of ${k}.`, (_c, k) => `An elevated take on ${k}.`],
    intros: [
      (c) => `${c.TheName}${c.range} ${c.g.verb('invites')} you to slow down and savour the moment.`,
      (c) => `${c.TheName}${c.range} ${c.g.verb('brings')} a touch of understated luxury to the everyday.`,
      (c) => `${c.TheName}${c.range} ${c.g.is} an indulgence that rewards a closer look.`,
    ],
    detailLines: [
      (l) => `Thoughtful details throughout: ${l}.`,
      (l) => `The details: ${l}.`,
      (l) => `Every element is considered: ${l}.`,
    ],
    uses: [(u) => `Thoughtfully suited to ${u}.`, (u) => `An elegant companion for ${u}.`],
    highlights: [(h) => `Admire the ${h}, a quietly luxurious touch.`, (h) => `Note the ${h}, a mark of true refinement.`],
    careLead: 'A note on care',
    benefits: [
      () => 'A quiet indulgence, to keep or to give.',
      (c) => `${c.g.ItIs} the kind of choice that never needs explaining.`,
      () => 'Understated, assured and entirely at home in a considered life.',
      () => 'Refined without being showy.',
      () => 'A gift of distinction, for someone special or for yourself.',
      () => 'Quietly confident, never loud.',
      () => 'For moments that deserve something special.',
      (c) => `${c.g.ItIs} an indulgence worth savouring.`,
      () => 'Refinement that speaks softly.',
      () => 'The finishing touch to a considered lifestyle.',
    ],
    keywordLines: [
      (_c, k) => `A refined answer for those seeking ${k}.`,
      (_c, k) => `An elegant choice for lovers of ${k}.`,
    ],
    closers: [(c) => `Make ${c.g.obj} yours today.`, () => 'Indulge yourself, or someone special.', (c) => `Discover ${c.theName} today.`],
    calls: [
      (c) => `Make ${c.g.obj} part of your collection.`,
      () => 'Treat yourself to something exceptional.',
      (c) => `Discover ${c.g.obj} for yourself.`,
    ],
    listHeaders: [() => 'The details:', () => 'Distinctive details:', () => 'Considered details:'],
    seoSuffixes: ['Discover More', 'Shop the Collection', 'Understated Elegance'],
    seoBenefits: ['Understated, refined and made to be savoured.', 'A quiet indulgence, to keep or to give.'],
    seoCalls: ['Discover it today.', 'Shop the collection.'],
  },
};
