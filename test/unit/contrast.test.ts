import { describe, expect, it } from 'vitest';
import { contrastRatio, MIN_TEXT_CONTRAST, repairPalette } from '#core/contrast.ts';

const palette = (background: string, text: string) => ({
  primary: '#336699',
  secondary: '#777777',
  accent: '#ff9900',
  background,
  text,
});

const channels = (hex: string) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));

describe('contrastRatio', () => {
  it('given black and white, then it is 21:1 either way round', () => {
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrastRatio('#ffffff', '#000000')).toBeCloseTo(21, 5);
  });

  it('given the same colour twice, then it is 1:1', () => {
    expect(contrastRatio('#3a7bd5', '#3A7BD5')).toBeCloseTo(1, 10);
  });

  it('given the WCAG reference greys, then #777 just fails 4.5:1 on white and #767676 just passes', () => {
    expect(contrastRatio('#777', '#fff')).toBeLessThan(MIN_TEXT_CONTRAST);
    expect(contrastRatio('#777777', '#ffffff')).toBeCloseTo(4.48, 2);
    expect(contrastRatio('#767676', '#ffffff')).toBeGreaterThanOrEqual(MIN_TEXT_CONTRAST);
  });

  it('given something that is not a hex colour, then it throws rather than guessing', () => {
    expect(() => contrastRatio('red', '#ffffff')).toThrow(TypeError);
    expect(() => contrastRatio('#12345', '#ffffff')).toThrow(TypeError);
  });
});

describe('repairPalette', () => {
  it('given a readable palette, then it comes back unchanged (lowercase #rrggbb)', () => {
    const input = { primary: '#ABC', secondary: '#123456', accent: '#FF9900', background: '#FFFFFF', text: '#111111' };
    expect(repairPalette(input)).toEqual({ primary: '#aabbcc', secondary: '#123456', accent: '#ff9900', background: '#ffffff', text: '#111111' });
  });

  it('given grey text just short of 4.5:1 on white, when repaired, then only the text changes and only slightly darker', () => {
    const before = palette('#ffffff', '#777777');
    const after = repairPalette(before);
    expect(contrastRatio(after.text, after.background)).toBeGreaterThanOrEqual(MIN_TEXT_CONTRAST);
    expect({ ...after, text: before.text }).toEqual(before);
    for (const c of channels(after.text)) expect(c).toBeGreaterThanOrEqual(0x77 - 3);
    for (const c of channels(after.text)) expect(c).toBeLessThan(0x77);
  });

  it('given dim text on a dark background, when repaired, then the text is lightened, not darkened', () => {
    const after = repairPalette(palette('#1a1a2e', '#3d3d5c'));
    expect(contrastRatio(after.text, after.background)).toBeGreaterThanOrEqual(MIN_TEXT_CONTRAST);
    expect(channels(after.text).every((c, i) => c > channels('#3d3d5c')[i])).toBe(true);
  });

  it('given coloured text, when repaired, then it keeps its hue family instead of jumping to black', () => {
    const after = repairPalette(palette('#ffffff', '#e06666'));
    const [r, g, b] = channels(after.text);
    expect(contrastRatio(after.text, '#ffffff')).toBeGreaterThanOrEqual(MIN_TEXT_CONTRAST);
    expect(r).toBeGreaterThan(g);
    expect(r).toBeGreaterThan(b);
  });

  it('given the worst case, text equal to a mid-grey background, when repaired, then it still reaches 4.5:1', () => {
    const after = repairPalette(palette('#777777', '#777777'));
    expect(contrastRatio(after.text, after.background)).toBeGreaterThanOrEqual(MIN_TEXT_CONTRAST);
  });

  it('given a thousand random palettes, when repaired, then every one is readable and only its text may differ', () => {
    let seed = 42;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const hex = () => `#${Math.floor(random() * 0xffffff).toString(16).padStart(6, '0')}`;
    for (let i = 0; i < 1000; i++) {
      const before = { primary: hex(), secondary: hex(), accent: hex(), background: hex(), text: hex() };
      const after = repairPalette(before);
      expect(contrastRatio(after.text, after.background)).toBeGreaterThanOrEqual(MIN_TEXT_CONTRAST);
      expect({ ...after, text: before.text }).toEqual(before);
      expect(after.text).toMatch(/^#[0-9a-f]{6}$/);
    }
  });
});
