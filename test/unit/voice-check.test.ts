/** The brand voice's rules as code: the request schema, whole-word matching, and the check after the model. */
import { describe, expect, it } from 'vitest';
import { BrandVoiceRequest, containsWord, type AppliedVoice } from '#core/brand-voice.ts';
import { ValidationFailed } from '#core/errors.ts';
import { assertQuotableUnderVoice, mentionsFor, voiceBreaks } from '#core/voice-check.ts';

const voice = (v: Partial<AppliedVoice>): AppliedVoice => ({ audience: null, avoidWords: [], alwaysMention: [], ...v });

describe('containsWord', () => {
  it('given words and phrases, then it matches whole words only, ignoring case and spacing', () => {
    expect(containsWord('Cheap! And cheerful.', 'cheap')).toBe(true);
    expect(containsWord('CHEAP socks', 'cheap')).toBe(true);
    expect(containsWord('the cheapest socks', 'cheap')).toBe(false);
    expect(containsWord('ultracheap', 'cheap')).toBe(false);
    expect(containsWord('An eco-friendly bag', 'Eco-friendly')).toBe(true);
    expect(containsWord('gamit araw-araw', 'araw-araw')).toBe(true);
    expect(containsWord('isang araw', 'araw-araw')).toBe(false);
    expect(containsWord('Made  in\nCebu.', 'made in Cebu')).toBe(true);
    // Unicode letters bound a word too.
    expect(containsWord('mañana', 'ana')).toBe(false);
    expect(containsWord('price: $5 (approx.)', '$5 (approx.)')).toBe(true);
  });
});

describe('BrandVoiceRequest', () => {
  const ok = { tone: 'friendly', language: 'fil', avoidWords: ['cheap', "don't", 'eco-friendly'], alwaysMention: ['Made in Cebu'] };

  it('given a valid voice, then it parses; given a phrase holding an avoided word, duplicate words or phrases, or a two-word "word", then it is refused', () => {
    expect(BrandVoiceRequest.safeParse(ok).success).toBe(true);
    expect(BrandVoiceRequest.safeParse({ ...ok, alwaysMention: ['Cheap and cheerful'] }).success).toBe(false);
    expect(BrandVoiceRequest.safeParse({ ...ok, avoidWords: ['Cheap', 'cheap'] }).success).toBe(false);
    expect(BrandVoiceRequest.safeParse({ ...ok, alwaysMention: ['Made in Cebu', 'made in cebu'] }).success).toBe(false);
    expect(BrandVoiceRequest.safeParse({ ...ok, avoidWords: ['two words'] }).success).toBe(false);
    expect(BrandVoiceRequest.safeParse({ ...ok, avoidWords: ['-dash'] }).success).toBe(false);
    // "cheapest" holds no whole "cheap": allowed.
    expect(BrandVoiceRequest.safeParse({ ...ok, alwaysMention: ['Our cheapest prices'] }).success).toBe(true);
  });
});

describe('voiceBreaks', () => {
  it('given an avoided word in any variant or field, then it breaks, the reason naming no word and the feedback naming it', () => {
    const v = voice({ avoidWords: ['cheap'] });
    expect(voiceBreaks('product_description', [{ text: 'Fine.' }, { text: 'Fine too.' }], v)).toBeNull();
    const broken = voiceBreaks('product_description', [{ text: 'Fine.' }, { text: 'So CHEAP!' }], v)!;
    expect(broken.reason).toBe('variant 1 contains 1 avoided word(s) of the brand voice');
    expect(broken.reason).not.toContain('cheap');
    expect(broken.feedback).toContain('"cheap"');
    // The SEO title is exempt from the phrases, never from the avoided words.
    expect(voiceBreaks('seo_meta', [{ title: 'Cheap mug', description: 'A mug.' }], v)).not.toBeNull();
  });

  it('given phrases to mention, then each variant must hold every one, and the feedback points at them by number without quoting them', () => {
    const v = voice({ alwaysMention: ['Made in Cebu', 'free delivery'] });
    expect(voiceBreaks('product_description', [{ text: 'Made in Cebu. Free delivery.' }], v)).toBeNull();
    const broken = voiceBreaks('product_description', [{ text: 'Made in Cebu.' }], v)!;
    expect(broken.feedback).toBe('variant 1 lacks phrase number 2 of brandVoice.alwaysMention; include every phrase word for word');
    expect(`${broken.reason} ${broken.feedback}`).not.toMatch(/free delivery|Cebu/i);
  });

  it('given SEO, then the title need not hold a phrase, the description must, and only the phrases that fit in 100 characters are required', () => {
    const v = voice({ alwaysMention: ['Made in Cebu'] });
    expect(voiceBreaks('seo_meta', [{ title: 'Mug', description: 'A mug. Made in Cebu.' }], v)).toBeNull();
    expect(voiceBreaks('seo_meta', [{ title: 'Mug, Made in Cebu', description: 'A mug.' }], v)).not.toBeNull();
    const long = ['a'.repeat(40), 'b'.repeat(40), 'c'.repeat(40)];
    expect(mentionsFor('seo_meta', long)).toEqual(long.slice(0, 2));
    expect(mentionsFor('blog_post', long)).toEqual(long);
    expect(voiceBreaks('seo_meta', [{ title: 'Mug', description: `${long[0]} ${long[1]}` }], voice({ alwaysMention: long }))).toBeNull();
  });

  it('given a blog post or a design, then a phrase anywhere in it counts (title, excerpt or body; any section, its call to action too)', () => {
    const v = voice({ alwaysMention: ['Kape Co.'] });
    expect(voiceBreaks('blog_post', [{ title: 'News from Kape Co.', excerpt: 'x', bodyMarkdown: 'y' }], v)).toBeNull();
    const section = (cta?: string) => ({ type: 'hero', headline: 'Hi', body: 'Welcome.', ...(cta ? { cta } : {}) });
    expect(voiceBreaks('website_design', [{ sections: [section(), section('Visit Kape Co.')] }], v)).toBeNull();
    expect(voiceBreaks('website_design', [{ sections: [section(), section('Visit us')] }], v)).not.toBeNull();
  });
});

describe('assertQuotableUnderVoice', () => {
  it('given a name, topic or store name holding an avoided word, then 400 naming the field; other fields are left to the writer', () => {
    const v = voice({ avoidWords: ['cheap'] });
    const refused = (feature: string, input: Record<string, unknown>) => {
      try {
        assertQuotableUnderVoice(feature, input, v);
        return null;
      } catch (err) {
        expect(err).toBeInstanceOf(ValidationFailed);
        return (err as ValidationFailed).issues[0].path;
      }
    };
    expect(refused('product_description', { name: 'Cheap Mug' })).toBe('input.name');
    expect(refused('seo_meta', { name: 'Mug', features: ['cheap'] })).toBeNull();
    expect(refused('blog_post', { topic: 'Cheap gifts', length: 'short' })).toBe('input.topic');
    expect(refused('website_design', { storeName: 'Cheap Shop', industry: 'gifts' })).toBe('input.storeName');
    expect(refused('product_description', { name: 'The cheapest mug' })).toBeNull();
  });
});
