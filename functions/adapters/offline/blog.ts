/**
 * Blog posts in markdown from a topic, keywords and the merchant's stored product descriptions.
 * The body is generic, practical advice framed around the topic; the only specifics are the
 * merchant's own words, quoted from product descriptions. Sentences are added one at a time
 * across sections until the requested length is reached, so the word count lands near the target.
 */
import { OUTPUT_LIMITS, type BlogVariant, type ProductFact } from '#core/model.ts';
import type { BlogInput, Tone } from '#core/schemas.ts';
import type { Rng } from './random.ts';
import { capitalize, clean, cleanList, countWords, fitWithEllipsis, fitWords, joinList, leadingSentences, midSentence } from './text.ts';

interface Topic {
  /** As a heading: "Caring for cast iron". */
  heading: string;
  /** As an object mid-sentence: "caring for cast iron", "the question of why abaca lasts". */
  subj: string;
  /** The topic was asked as a question ("Why choose abaca?"). */
  question: boolean;
  keywords: string[];
  tone: Tone;
}

type Sentence = (t: Topic, rng: Rng) => string;

const GERUND_DOUBLING = new Set(['plan', 'shop', 'stop', 'swap', 'prep', 'trim', 'wrap', 'chop', 'drop', 'jog', 'get', 'run', 'set', 'cut', 'put', 'sit', 'dig']);

function gerund(verb: string): string {
  const v = verb.toLowerCase();
  if (v === 'be' || v === 'see') return `${v}ing`;
  if (v.endsWith('ie')) return `${v.slice(0, -2)}ying`;
  if (GERUND_DOUBLING.has(v)) return `${v}${v.at(-1)}ing`;
  if (/[^aeiouy]e$/.test(v) || v.endsWith('ue')) return `${v.slice(0, -1)}ing`;
  return `${v}ing`;
}

/** Turns a topic into a phrase that reads as a noun wherever the templates put it. */
export function topicOf(input: BlogInput): Topic {
  const raw = clean(input.topic).replace(/[.?!:;,\s]+$/, '') || 'Shopping well';
  const howTo = /^how\s+to\s+([A-Za-z-]+)\s*(.*)$/i.exec(raw);
  let subj: string;
  let question = false;
  if (howTo) subj = `${gerund(howTo[1])}${howTo[2] ? ` ${howTo[2]}` : ''}`;
  else if (/^(?:why|what|when|where|which|who|how|is|are|can|should|do|does)\b/i.test(raw)) {
    subj = `the question of ${raw.charAt(0).toLowerCase()}${raw.slice(1)}`;
    question = true;
  }
  else subj = midSentence(raw);
  return { heading: capitalize(raw), subj, question, keywords: cleanList(input.keywords, 5), tone: input.tone ?? 'neutral' };
}

const kw = (t: Topic, rng: Rng) => (t.keywords.length ? rng.pick(t.keywords) : null);

// ----- The phrasebook. Object positions only for `subj`, so no verb has to agree with it. -----

const OPENERS: Record<Tone, Sentence[]> = {
  neutral: [
    (t) => `This post takes a practical look at ${t.subj}.`,
    (t) => `When it comes to ${t.subj}, clear information makes every decision easier.`,
  ],
  friendly: [
    (t) => `Let's talk about ${t.subj}, one of our favourite subjects.`,
    (t) => `If you've ever wondered about ${t.subj}, you're in the right place.`,
  ],
  professional: [
    (t) => `This guide sets out a clear, practical approach to ${t.subj}.`,
    (t) => `When it comes to ${t.subj}, a structured approach saves time and avoids costly mistakes.`,
  ],
  playful: [
    (t) => `Ready to dive into ${t.subj}? Let's go!`,
    (t) => `Grab a snack and get comfy, because we're talking about ${t.subj} today!`,
  ],
  luxury: [
    (t) => `There is an art to ${t.subj}, and it rewards those who take their time.`,
    (t) => `When it comes to ${t.subj}, the finest results come from patience and a discerning eye.`,
  ],
};

const INTRO: Sentence[] = [
  () => 'In this post we cover what matters most, what to watch out for and how to make choices you will be happy with.',
  () => 'There is plenty of advice out there, and not all of it is useful.',
  () => 'Our aim is simple: clear, honest pointers you can act on straight away.',
  () => 'Whether you are just starting out or refining what you already know, you will find something useful below.',
  () => 'We have kept it practical, with ideas you can use today.',
  () => 'Each section stands on its own, so feel free to skip to the part you need.',
];

// Every hook names the topic: the first lines are what readers and search engines see.
const HOOKS: Record<Tone, Sentence[]> = {
  neutral: [
    (t) => `Most people think about ${t.subj} only when something goes wrong.`,
    (t) => `When it comes to ${t.subj}, a few good habits make a surprising difference.`,
  ],
  friendly: [(t) => `Here's a little secret about ${t.subj}: it's easier than it looks.`, (t) => `We get it: ${t.subj} can feel like a lot at first.`],
  professional: [
    (t) => `Decisions about ${t.subj} are easier with a clear framework.`,
    (t) => `When it comes to ${t.subj}, the fundamentals matter more than the trends.`,
  ],
  playful: [(t) => `Spoiler alert: we're about to make ${t.subj} fun!`, (t) => `Who knew ${t.subj} could be this exciting?`],
  luxury: [(t) => `In matters of ${t.subj}, true quality reveals itself slowly.`, (t) => `The finest approach to ${t.subj} is never hurried.`],
};

const WHY: Sentence[] = [
  (t) => `When it comes to ${t.subj}, small decisions add up quickly.`,
  () => 'A clear approach saves time and spares you second-guessing later.',
  (t) => `The more you understand about ${t.subj}, the easier it becomes to choose with confidence.`,
  () => 'Good choices pay off every day, not just on the day you make them.',
  () => 'Real value matters too: spending on what works for you and skipping what does not.',
  () => 'For many shoppers, the hardest part is simply knowing where to start.',
  () => 'A little planning goes a long way.',
  () => 'Thinking about how you will actually use something is often more useful than chasing the latest trend.',
  () => 'A thoughtful approach tends to mean fewer returns and less waste.',
  () => 'When you are happy with a choice, you use it more and enjoy it longer.',
  (t, rng) => {
    const k = kw(t, rng);
    return k ? `These ideas apply just as well to ${k} as to anything else you buy.` : 'These ideas apply to almost anything you buy.';
  },
  () => 'Confidence comes from knowing what you want and why.',
];

const LOOK_FOR: Sentence[] = [
  () => 'Start with your own needs: how often you will use it, where and for what.',
  () => 'Read product descriptions carefully and look for the details that matter to you.',
  () => 'Check what is included, and what is not, before you buy.',
  () => 'Compare a few options side by side rather than settling on the first one you see.',
  () => 'Pay attention to care instructions, since they tell you a lot about day-to-day upkeep.',
  () => 'Look for clear, specific information from the seller; vague claims are a warning sign.',
  () => 'Think about how a new purchase fits with what you already own.',
  () => 'If you are buying a gift, consider the recipient’s habits and taste more than your own.',
  () => 'Reviews from other buyers can help, especially when they describe real, everyday use.',
  () => 'Set a budget you are comfortable with, and stick to it.',
  (t, rng) => {
    const k = kw(t, rng);
    return k ? `If ${k} is on your list, write down what you care about most before you compare.` : 'Write down what you care about most before you compare.';
  },
  () => 'Above all, trust your own judgement once you have the facts.',
];

const TIPS: Sentence[] = [
  () => 'Make a short list of must-haves before you start browsing.',
  () => 'Keep the product description handy so you can check details later.',
  () => 'Follow the care instructions from day one.',
  () => 'Store things properly when you are not using them.',
  () => 'Give yourself time to compare instead of buying on impulse.',
  () => 'Ask the seller when something is unclear; a good shop is happy to help.',
  () => 'Start simple and add extras only once you know you need them.',
  () => 'Keep packaging and receipts until you are sure you are happy.',
  () => 'Revisit your choices from time to time and note what worked.',
  () => 'Share what you learn with friends who are looking too.',
  () => 'Buy for the life you actually live, not the one in the advertisements.',
  () => 'When in doubt, choose the simpler option.',
];

const CARE: Sentence[] = [
  () => 'Looking after what you buy is the easiest way to get more from it.',
  () => 'Start by reading the care instructions that come with each product, and keep them somewhere you will find them again.',
  () => 'A few minutes of regular upkeep usually beats a big clean-up later.',
  () => 'Store things away from damp, direct heat and strong sunlight unless the instructions say otherwise.',
  () => 'Handle delicate items gently and give them space, rather than squeezing them into a crowded drawer or shelf.',
  () => 'If something needs attention, deal with it early; small issues are easier to fix.',
  () => 'When you are unsure how to clean or maintain something, ask the shop before experimenting.',
  () => 'Good care is also a small act of sustainability, since things that last mean less waste.',
  (t) => `When it comes to ${t.subj}, care is where good intentions become lasting results.`,
  () => 'Build upkeep into your routine so it never feels like a chore.',
];

const VALUE: Sentence[] = [
  () => 'Value is not the same as the lowest price.',
  () => 'Think about how often you will use something and how long you expect it to serve you.',
  () => 'Spending a little more can make sense for the things you reach for every day.',
  () => 'There is no need to overspend on things you will rarely use.',
  () => 'Look at the whole picture: what is included, what it needs in upkeep and how well it fits your routine.',
  () => 'Honest product information is part of the value, because it helps you choose well the first time.',
  (t) => `When it comes to ${t.subj}, the best value usually comes from choosing deliberately.`,
  () => 'A purchase you are happy with for a long time is almost always good value.',
  () => 'Keep track of what you buy and how it works out; patterns soon become clear.',
];

const TAKEAWAYS: Sentence[] = [
  () => 'Know what you need before you shop.',
  () => 'Check the details that matter for everyday use.',
  () => 'Look after what you buy so you can enjoy it for longer.',
  () => 'Compare options calmly rather than rushing.',
  () => 'Ask questions whenever anything is unclear.',
  () => 'Choose quality over quantity where it counts.',
  () => 'Trust your own taste once you have the facts.',
  () => 'Keep it simple and build from there.',
];

const FAQ: Sentence[] = [
  () => '**Where should I start?** Begin with what you need most and build from there.',
  () => '**How do I know what is right for me?** Think about how and where you will use it, then check the product details against that.',
  () => '**Is it worth spending more?** Sometimes. Spend where it makes a real difference to you, and save where it does not.',
  () => '**How do I keep things in good shape?** Follow the care instructions and store items properly between uses.',
  () => '**Can I ask the shop for advice?** Yes. A good shop is glad to answer questions before you buy.',
  () => '**What if I am buying a gift?** Focus on the recipient’s taste and habits, and keep the receipt just in case.',
  (t, rng) => {
    const k = kw(t, rng);
    return k
      ? `**What should I look for in ${k}?** Clear product information, details that match how you will use it, and care instructions you can live with.`
      : '**What should I look for first?** Clear product information and details that match how you will use it.';
  },
  () => '**How often should I review my choices?** Whenever your needs change, or when something no longer suits you.',
];

const MISTAKES: Sentence[] = [
  () => 'Buying in a hurry is the most common misstep, and the easiest to avoid.',
  () => 'Choosing on looks alone, without checking the details that affect everyday use, often leads to regret.',
  () => 'Care and upkeep are easy to overlook, yet they matter as much as the purchase itself.',
  () => 'Some shoppers overbuy, picking up extras that end up unused.',
  () => 'Sticking with what you have always bought, without checking whether it still suits you, can mean missing something better.',
  () => 'Skipping the product description is a missed chance to learn exactly what you are getting.',
  () => 'Do not ignore your own experience: if something did not work before, ask why.',
  (t) => `When it comes to ${t.subj}, it pays to slow down and be deliberate.`,
  () => 'Following every trend is a trap of its own; what suits someone else may not suit you.',
  () => 'Do not be shy about asking for help when you need it.',
];

const STARTING: Sentence[] = [
  () => 'The best way to begin is with a single, clear goal.',
  () => 'Pick one thing you want to improve and focus on that first.',
  () => 'Gather the basics before you worry about extras.',
  () => 'Give yourself permission to learn as you go; nobody gets everything right at once.',
  (t) => `When it comes to ${t.subj}, steady progress beats a perfect plan.`,
  () => 'Keep notes on what you try, so you can repeat what works.',
  () => 'Once the basics feel easy, add one new idea at a time.',
  () => 'Remember to enjoy the process, not just the result.',
  () => 'Small, consistent steps add up faster than you might expect.',
];

const GIFTING: Sentence[] = [
  () => 'Many of the same ideas apply when you are choosing for someone else.',
  () => 'Think about the recipient’s routine: what would they use, and where?',
  () => 'A thoughtful, useful gift often means more than an expensive one.',
  () => 'Personal touches, like a handwritten note, make a simple present feel special.',
  () => 'When you are unsure, choose something versatile that fits easily into everyday life.',
  () => 'Keep the receipt, and let the recipient know exchanges are possible if the shop allows them.',
  (t) => `Gifts connected to ${t.subj} are a lovely way to share something you care about.`,
  () => 'Wrapping can be simple; the thought behind the gift is what people remember.',
];

const PERSONAL: Sentence[] = [
  () => 'The best choices are the ones that fit your own life, not a catalogue photo.',
  () => 'Notice what you reach for most often; it tells you what really works for you.',
  () => 'Mixing old favourites with new finds keeps things feeling fresh.',
  () => 'There is no single right answer, only the one that suits you.',
  (t) => `When it comes to ${t.subj}, personal taste matters as much as any rule.`,
  () => 'Small personal touches turn an ordinary purchase into something you love.',
  () => 'Let your routine guide you: what makes your day easier is worth having.',
  () => 'Over time, your choices will say something about you, so make them count.',
];

const CLOSERS: Record<Tone, Sentence[]> = {
  neutral: [() => 'Thanks for reading.', () => 'Keep these pointers in mind the next time you shop.'],
  friendly: [() => 'Happy shopping, and thanks for reading!', () => 'Have fun with it, and let us know how you get on!'],
  professional: [() => 'Apply these principles consistently and the results will follow.', () => 'Use this as a checklist the next time you buy.'],
  playful: [() => 'Now go forth and shop smart!', () => "That's a wrap. Happy hunting!"],
  luxury: [() => 'Choose less, choose well, and savour every detail.', () => 'True quality is always worth the wait.'],
};

const CONCLUSION: Sentence[] = [
  (t) => `When it comes to ${t.subj}, a little care and attention go a long way.`,
  () => 'Take what is useful here, leave what is not, and trust your own judgement.',
  () => 'We hope this guide helps you choose with confidence.',
  () => 'Questions? Get in touch with us; we are glad to help.',
  (t, rng) => {
    const k = kw(t, rng);
    return k ? `And if ${k} is what brought you here, we hope you found what you were looking for.` : 'We hope you found what you were looking for.';
  },
];

// ----- Assembly -----

interface Block {
  heading?: string;
  /** Fixed text before the sentences (product spotlights), counted but never trimmed. */
  fixed?: string[];
  pool: string[];
  taken: number;
  /** Fixed text after the sentences (the tone's sign-off). */
  tail?: string;
  asList: boolean;
  /** One paragraph per sentence (questions and answers). */
  oneEach?: boolean;
  /** Share of the flexible words this block should get (0: fixed content only). */
  weight: number;
  /** Sentences it always keeps. */
  min: number;
}

function block(rng: Rng, topic: Topic, pool: Sentence[], opts: Partial<Block>): Block {
  return { pool: rng.shuffle(pool).map((s) => s(topic, rng)), taken: 0, asList: false, weight: 1, min: 1, ...opts };
}

function productBlock(products: ProductFact[], length: BlogInput['length'], heading: string, rng: Rng): Block | null {
  if (!products.length) return null;
  const spotlightMax = { short: 1, medium: 2, long: 4 }[length];
  const excerptWords = { short: 35, medium: 50, long: 70 }[length];
  const mentionMax = { short: 4, medium: 6, long: 10 }[length];
  const spotlight = products.filter((p) => clean(p.description)).slice(0, spotlightMax);
  // A short post cannot name ten products and still say anything: the rest are capped too.
  const rest = products.filter((p) => !spotlight.includes(p)).slice(0, mentionMax);
  const fixed = [
    products.length === 1
      ? rng.pick(['Here is a product from our store that fits the subject.', 'One product from our store fits this subject well.'])
      : rng.pick(['Here are some products from our store that fit the subject.', 'Some products from our store fit this subject well.']),
  ];
  for (const p of spotlight) {
    // The merchant's own description, quoted: the only product facts a post may state. Leading
    // markdown markers are dropped so a description cannot turn into a heading or a list.
    const text = leadingSentences(clean(p.description).replace(/^[#>*+\-\s]+/, ''), excerptWords);
    fixed.push(`### ${clean(p.name) || 'Product'}\n\n${text}`);
  }
  if (rest.length) {
    fixed.push(`${spotlight.length ? 'Also worth a look:' : 'Worth a look:'}\n\n${rest.map((p) => `- ${fitWords(clean(p.name), 80) || 'Product'}`).join('\n')}`);
  }
  return { heading, fixed, pool: [], taken: 0, asList: false, weight: 0, min: 0 };
}

function render(b: Block): string {
  const parts: string[] = [];
  if (b.heading) parts.push(`## ${b.heading}`);
  if (b.fixed) parts.push(...b.fixed);
  const taken = b.pool.slice(0, b.taken);
  if (b.asList) {
    if (taken.length) parts.push(taken.map((s) => `- ${s}`).join('\n'));
    if (b.tail) parts.push(b.tail);
  } else {
    if (b.tail) taken.push(b.tail);
    // Paragraphs of two to four sentences read better than one long block.
    for (let i = 0; i < taken.length; ) {
      const size = b.oneEach ? 1 : taken.length - i <= 4 ? taken.length - i : 3;
      parts.push(taken.slice(i, i + size).join(' '));
      i += size;
    }
  }
  return parts.join('\n\n');
}

/**
 * Takes sentences, one at a time, from the block furthest below its share, until the post
 * reaches the target; reserve blocks join (before the last block) when the planned ones run dry.
 */
function fill(blocks: Block[], reserves: Block[], target: number, finish: (body: string) => string): void {
  for (const b of blocks) b.taken = Math.min(b.min, b.pool.length);
  const words = (b: Block) => countWords(render(b));
  // Counted on the finished text, since finishing can shorten it.
  const measure = () => countWords(finish(blocks.map(render).join('\n\n')));
  for (;;) {
    const total = measure();
    if (total >= target * 0.98) break;
    const open = blocks.filter((b) => b.weight > 0 && b.taken < b.pool.length);
    if (!open.length) {
      const reserve = reserves.shift();
      if (!reserve) break;
      blocks.splice(blocks.length - 1, 0, reserve);
      continue;
    }
    const neediest = open.reduce((best, b) => (words(b) / b.weight < words(best) / best.weight ? b : best));
    neediest.taken++;
  }
  // Fixed content (long product descriptions) can push a short post over: give back sentences.
  for (;;) {
    const total = measure();
    const fullest = blocks.filter((b) => b.taken > 1).sort((a, b) => words(b) - words(a))[0];
    if (total <= target * 1.08 || !fullest) return;
    fullest.taken--;
  }
}

const SMALL_WORDS = new Set(['a', 'an', 'the', 'and', 'or', 'but', 'for', 'to', 'of', 'in', 'on', 'at', 'by', 'with', 'from', 'as', 'vs']);

/** Title case that leaves words with capitals or digits as the merchant wrote them. */
/** The topic in full a few times reads well; every time reads like a template. Later mentions become "this topic". */
function lessRepetitive(body: string, subj: string): string {
  let seen = 0;
  return body
    .split('\n')
    .map((line) =>
      line.startsWith('#') ? line : line.split(subj).reduce((out, part) => `${out}${++seen <= 3 ? subj : 'this topic'}${part}`),
    )
    .join('\n');
}

function titleCase(s: string): string {
  return s
    .split(' ')
    .map((w, i) => (/[A-Z\d]/.test(w) || (i > 0 && SMALL_WORDS.has(w)) ? w : capitalize(w)))
    .join(' ');
}

function titleFor(topic: Topic, rng: Rng, index: number): string {
  const { subj } = topic;
  const h = topic.question ? `${topic.heading}?` : topic.heading;
  // A question reads badly as "the question of …" inside a title: keep it whole, up front.
  const forms = topic.question
    ? index === 0
      ? [`${h} A Practical Guide`, `${h} What to Know`]
      : [`${h} Tips Worth Knowing`, `${h} The Short Version`]
    : index === 0
      ? [`${h}: A Practical Guide`, `A Practical Guide to ${subj}`, `${h}, Explained`, `Everything You Need to Know About ${subj}`]
      : [`${h}: Tips Worth Knowing`, `Your Questions About ${subj}, Answered`, `What We Have Learned About ${subj}`, `${h}: The Short Version`];
  const fitting = forms.filter((f) => f.length <= OUTPUT_LIMITS.blogTitleMaxChars);
  if (fitting.length) return titleCase(rng.pick(fitting));
  const suffix = index === 0 ? ': A Guide' : ': Tips';
  return titleCase(`${fitWords(h, OUTPUT_LIMITS.blogTitleMaxChars - suffix.length)}${suffix}`);
}

export function writeBlogPost(input: BlogInput, products: ProductFact[], rng: Rng, index: number): BlogVariant {
  const topic = topicOf(input);
  const target = OUTPUT_LIMITS.blogWords[input.length];
  const intro = block(rng, topic, INTRO, { weight: 0.5, min: 2 });
  intro.pool.length = 2;
  intro.pool.unshift(rng.pick(index === 0 ? OPENERS[topic.tone] : HOOKS[topic.tone])(topic, rng));
  if (topic.keywords.length) {
    // Keywords are why a merchant writes the post: say one early, where search engines and readers look.
    const k = joinList(topic.keywords.slice(0, 2), 'or');
    intro.pool.splice(1, 0, rng.pick([`If you are interested in ${k}, read on.`, `This post is written with ${k} in mind.`]));
  }
  const conclusion = block(rng, topic, CONCLUSION, { weight: 0.5, min: 1, tail: rng.pick(CLOSERS[topic.tone])(topic, rng) });
  const shop = productBlock(
    products,
    input.length,
    rng.pick(index === 0 ? ['From our shop', 'Products worth a look'] : ['Featured in our store', 'Picks from our shelves']),
    rng,
  );
  // Not "Why <topic> matters": the topic may be plural ("gift ideas") and the verb would not agree.
  const whyHeading = rng.pick(['Why it matters', 'Why this is worth getting right']);

  let blocks: Block[];
  let reserves: Block[];
  if (index === 0) {
    // A guide: why, what to look for, products, tips as a list, care, final thoughts.
    conclusion.heading = 'Final thoughts';
    blocks = [
      intro,
      block(rng, topic, WHY, { heading: whyHeading, weight: 1.2 }),
      block(rng, topic, LOOK_FOR, { heading: 'What to look for', weight: 1.2 }),
      ...(shop ? [shop] : []),
      block(rng, topic, TIPS, { heading: 'Practical tips', asList: true, weight: 0.7, min: 2 }),
      block(rng, topic, CARE, { heading: 'Looking after what you buy', weight: 1 }),
      conclusion,
    ];
    reserves = [
      block(rng, topic, VALUE, { heading: 'A word on value' }),
      block(rng, topic, GIFTING, { heading: 'If you are buying a gift' }),
      block(rng, topic, PERSONAL, { heading: 'Making it your own' }),
      block(rng, topic, MISTAKES, { heading: 'Pitfalls to avoid' }),
    ];
  } else {
    // A quick read: hook, takeaways up front, questions, mistakes, products, getting started, bottom line.
    conclusion.heading = 'The bottom line';
    blocks = [
      intro,
      block(rng, topic, TAKEAWAYS, { heading: 'At a glance', asList: true, weight: 0.6, min: 2 }),
      block(rng, topic, FAQ, { heading: 'Common questions', weight: 1.2, oneEach: true }),
      block(rng, topic, MISTAKES, { heading: 'Mistakes to avoid', weight: 1 }),
      ...(shop ? [shop] : []),
      block(rng, topic, STARTING, { heading: 'Getting started', weight: 1 }),
      conclusion,
    ];
    reserves = [
      block(rng, topic, GIFTING, { heading: 'Thinking of gifting?' }),
      block(rng, topic, VALUE, { heading: 'Getting real value' }),
      block(rng, topic, PERSONAL, { heading: 'Your taste, your rules' }),
      block(rng, topic, CARE, { heading: 'Care and upkeep' }),
    ];
  }
  const finish = (body: string) => lessRepetitive(body, topic.subj);
  fill(blocks, reserves, target, finish);

  return {
    title: titleFor(topic, rng, index),
    excerpt: fitWithEllipsis(intro.pool.slice(0, 2).join(' '), OUTPUT_LIMITS.blogExcerptMaxChars),
    bodyMarkdown: finish(blocks.map(render).join('\n\n')),
  };
}
