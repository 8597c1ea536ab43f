/**
 * WCAG 2.x contrast helpers, shared by every model adapter so that no design proposal ever ships
 * body text a merchant's customers cannot read. Pure: no I/O, no randomness.
 */
import type { DesignVariant } from './model.ts';

/** WCAG AA for normal-size text. */
export const MIN_TEXT_CONTRAST = 4.5;

type Rgb = [number, number, number];

function parseHex(hex: string): Rgb {
  const m = /^#?([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(hex.trim());
  if (!m) throw new TypeError(`Not a hex colour: ${JSON.stringify(hex)}`);
  const digits = m[1].length === 3 ? [...m[1]].map((d) => d + d).join('') : m[1];
  return [0, 2, 4].map((i) => parseInt(digits.slice(i, i + 2), 16)) as Rgb;
}

function toHex(rgb: Rgb): string {
  return `#${rgb.map((c) => Math.round(Math.min(255, Math.max(0, c))).toString(16).padStart(2, '0')).join('')}`;
}

function relativeLuminance([r, g, b]: Rgb): number {
  const lin = (c: number) => {
    const s = c / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

function ratio(a: Rgb, b: Rgb): number {
  const la = relativeLuminance(a);
  const lb = relativeLuminance(b);
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

/** Contrast ratio between two colours (`#rgb` or `#rrggbb`), from 1 (same) to 21 (black on white). */
export function contrastRatio(hexA: string, hexB: string): number {
  return ratio(parseHex(hexA), parseHex(hexB));
}

const mix = (from: Rgb, to: Rgb, t: number): Rgb => from.map((c, i) => c + (to[i] - c) * t) as Rgb;

/**
 * The least mix of `text` toward `target` that reaches the minimum contrast on `bg`, or null if
 * even the pure target does not. Contrast grows monotonically along the mix, so bisection works;
 * the hex rounding is then checked and nudged, never trusted.
 */
function leastShift(text: Rgb, target: Rgb, bg: Rgb): { rgb: Rgb; t: number } | null {
  if (ratio(target, bg) < MIN_TEXT_CONTRAST) return null;
  let lo = 0;
  let hi = 1;
  for (let i = 0; i < 40; i++) {
    const mid = (lo + hi) / 2;
    if (ratio(mix(text, target, mid), bg) >= MIN_TEXT_CONTRAST) hi = mid;
    else lo = mid;
  }
  for (let t = hi; t <= 1 + 1e-9; t += 1 / 512) {
    const rounded = parseHex(toHex(mix(text, target, Math.min(t, 1))));
    if (ratio(rounded, bg) >= MIN_TEXT_CONTRAST) return { rgb: rounded, t };
  }
  return { rgb: target, t: 1 };
}

/**
 * Returns the palette with `text` readable on `background` (≥ {@link MIN_TEXT_CONTRAST}:1).
 * Only `text` ever changes, and only as much as needed: it is darkened toward black or lightened
 * toward white, whichever needs the smaller shift, keeping its hue. Every colour comes back as
 * lowercase `#rrggbb`. Throws a TypeError on a colour that is not hex.
 */
export function repairPalette(p: DesignVariant['palette']): DesignVariant['palette'] {
  const normalized = {
    primary: toHex(parseHex(p.primary)),
    secondary: toHex(parseHex(p.secondary)),
    accent: toHex(parseHex(p.accent)),
    background: toHex(parseHex(p.background)),
    text: toHex(parseHex(p.text)),
  };
  const bg = parseHex(normalized.background);
  const text = parseHex(normalized.text);
  if (ratio(text, bg) >= MIN_TEXT_CONTRAST) return normalized;
  // One of black or white always reaches 4.5:1 on any background (the worst case is about 4.58:1).
  const candidates = [leastShift(text, [0, 0, 0], bg), leastShift(text, [255, 255, 255], bg)].filter(
    (c): c is { rgb: Rgb; t: number } => c !== null,
  );
  candidates.sort((a, b) => a.t - b.t);
  return { ...normalized, text: toHex(candidates[0].rgb) };
}
