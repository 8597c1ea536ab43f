/**
 * sharp, loaded on first use. It is native and per platform, so it is not in any bundle: a function
 * gets it from its layer. A static import would make every function whose bundle holds an image
 * module fail at cold start without that layer, text requests included; loaded here it is needed only
 * once an image is actually processed.
 */
import type SharpModule from 'sharp';

let loaded: Promise<typeof SharpModule> | undefined;

export function loadSharp(): Promise<typeof SharpModule> {
  loaded ??= import('sharp').then((m) => m.default);
  // A failed load is not kept: the next image tries again.
  loaded.catch(() => (loaded = undefined));
  return loaded;
}
