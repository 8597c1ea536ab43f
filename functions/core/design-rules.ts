/**
 * Rules every website design proposal meets whichever model wrote it, applied in the generation path
 * after the adapter (which already repairs what it can): body text readable on the page background
 * (WCAG AA, 4.5:1) and the hero section first, since the page previews proposals top-down.
 */
import { contrastRatio, MIN_TEXT_CONTRAST, repairPalette } from './contrast.ts';
import { ModelFailure } from './errors.ts';
import type { DesignVariant } from './model.ts';

export function enforceDesignRules(variant: DesignVariant): DesignVariant {
  let palette: DesignVariant['palette'];
  try {
    // Only `text` moves, and only as far as it must; a readable palette comes back unchanged.
    palette = repairPalette(variant.palette);
  } catch (err) {
    throw new ModelFailure('invalid_output', `design palette is not hex: ${String(err)}`, err);
  }
  // Checked again, never assumed: a proposal that cannot be made readable is not returned.
  const ratio = contrastRatio(palette.text, palette.background);
  if (ratio < MIN_TEXT_CONTRAST) throw new ModelFailure('invalid_output', `design text contrast ${ratio.toFixed(2)}:1 after repair`);
  const hero = variant.sections.findIndex((s) => s.type === 'hero');
  const sections = hero > 0 ? [variant.sections[hero], ...variant.sections.filter((_, i) => i !== hero)] : variant.sections;
  return { ...variant, palette, sections };
}
