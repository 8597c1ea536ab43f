/**
 * The forms that write text (Edit product, Blog) start from the brand voice's tone once it is read: the
 * request's own tone wins over the voice (API.md, "Brand voice"), so a form that always sent its own
 * default would never let the voice apply. A tone the merchant picked is theirs and stays.
 */
import { useEffect, useRef } from 'preact/hooks';
import { api } from './api.ts';
import { useAppState } from './store.ts';
import type { Tone } from './types.ts';

/** Calls `apply` with the voice's tone when one is set and the merchant has not picked a tone; returns `picked()` for the select. */
export function useVoiceTone(apply: (tone: Tone) => void): () => void {
  const session = useAppState((s) => s.session);
  const picked = useRef(false);
  useEffect(() => {
    let gone = false;
    api
      .brandVoice()
      .then((v) => {
        if (!gone && !picked.current && v.updatedAt) apply(v.tone);
      })
      // No voice to read (or none reachable): the form keeps its own default.
      .catch(() => undefined);
    return () => void (gone = true);
  }, [session]);
  return () => void (picked.current = true);
}
