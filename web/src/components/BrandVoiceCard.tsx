/**
 * Settings › Brand voice (`GET`/`PUT /v1/brand-voice`): the tone, audience, words to avoid, phrases to
 * always mention and the language every text generation uses unless a request sets its own. Free, any plan.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api.ts';
import { formatDateTime, plural, splitList } from '../format.ts';
import { useAction } from '../hooks.ts';
import { pushToast, useAppState } from '../store.ts';
import type { BrandVoice, Language, Tone } from '../types.ts';
import { CardHead } from './CardHead.tsx';
import { SelectField, TONES } from './fields.tsx';

/** The contract's limits (API.md, Brand voice): the service checks the finer ones (word shape, lengths). */
const AUDIENCE_MAX = 200;
const AVOID_MAX = 50;
const MENTION_MAX = 10;

export const LANGUAGES: ReadonlyArray<{ id: Language; label: string }> = [
  { id: 'en', label: 'English' },
  { id: 'fil', label: 'Filipino' },
];

interface VoiceForm {
  tone: Tone;
  audience: string;
  avoidWords: string;
  alwaysMention: string;
  language: Language;
}

function formOf(v: BrandVoice | null): VoiceForm {
  return {
    tone: v?.tone ?? 'neutral',
    audience: v?.audience ?? '',
    avoidWords: (v?.avoidWords ?? []).join(', '),
    alwaysMention: (v?.alwaysMention ?? []).join('\n'),
    language: v?.language ?? 'en',
  };
}

const lines = (value: string) =>
  value
    .split(/\r?\n/)
    .map((s) => s.trim())
    .filter(Boolean);

export function BrandVoiceCard() {
  const session = useAppState((s) => s.session);
  const [voice, setVoice] = useState<BrandVoice | null>(null);
  const [form, setForm] = useState<VoiceForm>(formOf(null));
  const [loadError, setLoadError] = useState<string | null>(null);
  const { busy, run } = useAction('Could not save the brand voice');
  const edited = useRef(false);
  const change = (next: VoiceForm) => {
    edited.current = true;
    setForm(next);
  };

  useEffect(() => {
    api
      .brandVoice()
      .then((v) => {
        setVoice(v);
        // Typing that began before the read answered is kept.
        if (!edited.current) setForm(formOf(v));
        setLoadError(null);
      })
      // Shown in the card, not as a toast: the rest of Settings works without it.
      .catch((err) => setLoadError(err instanceof Error ? err.message : String(err)));
  }, [session]);

  const avoid = splitList(form.avoidWords);
  const mention = lines(form.alwaysMention);
  const problem =
    form.audience.trim().length > AUDIENCE_MAX
      ? `Describe the audience in at most ${AUDIENCE_MAX} characters.`
      : avoid.length > AVOID_MAX
        ? `${avoid.length} words to avoid: use at most ${AVOID_MAX}.`
        : avoid.some((w) => /\s/.test(w))
          ? 'Words to avoid are single words, separated by commas.'
          : mention.length > MENTION_MAX
            ? `${mention.length} phrases to mention: use at most ${MENTION_MAX}.`
            : null;

  const save = async (e: Event) => {
    e.preventDefault();
    if (problem) return;
    const body = {
      tone: form.tone,
      language: form.language,
      ...(form.audience.trim() ? { audience: form.audience.trim() } : {}),
      avoidWords: avoid,
      alwaysMention: mention,
    };
    const saved = await run(() => api.saveBrandVoice(body));
    if (!saved) return;
    setVoice(saved);
    edited.current = false;
    setForm(formOf(saved));
    pushToast({ kind: 'success', title: 'Brand voice saved', message: 'New descriptions, meta tags and blog posts will use it.', ttlMs: 4000 });
  };

  const set = (k: 'audience' | 'avoidWords' | 'alwaysMention') => (e: Event) => change({ ...form, [k]: (e.currentTarget as HTMLInputElement).value });
  return (
    <section class="card" aria-labelledby="voice-title" data-testid="brand-voice">
      <CardHead
        id="voice-title"
        title="Brand voice"
        note="How the AI writes for your store: used by every description, meta tag and blog post unless you pick a tone there."
      />
      {loadError && (
        <p class="field-error" data-testid="brand-voice-error">
          The saved brand voice could not be read: {loadError}
        </p>
      )}
      <form class="form-grid" onSubmit={save} data-testid="brand-voice-form" aria-describedby={problem ? 'voice-problem' : undefined}>
        <SelectField id="voice-tone" label="Tone" value={form.tone} options={TONES} onChange={(tone) => change({ ...form, tone })} testId="brand-voice-tone" />
        <SelectField id="voice-language" label="Language" value={form.language} options={LANGUAGES} onChange={(language) => change({ ...form, language })} testId="brand-voice-language" />
        <div class="field span-2">
          <label for="voice-audience">Audience</label>
          <input id="voice-audience" value={form.audience} onInput={set('audience')} maxLength={AUDIENCE_MAX} aria-describedby="voice-audience-hint" data-testid="brand-voice-audience" />
          <span id="voice-audience-hint" class="hint">
            Who you write for, e.g. “home baristas who love design”. Optional.
          </span>
        </div>
        <div class="field">
          <label for="voice-avoid">Words to avoid</label>
          <input id="voice-avoid" value={form.avoidWords} onInput={set('avoidWords')} aria-describedby="voice-avoid-hint" data-testid="brand-voice-avoid" />
          <span id="voice-avoid-hint" class="hint">
            Single words, separated by commas ({plural(avoid.length, 'word')}, up to {AVOID_MAX}).
          </span>
        </div>
        <div class="field">
          <label for="voice-mention">Always mention</label>
          <textarea id="voice-mention" rows={3} value={form.alwaysMention} onInput={set('alwaysMention')} aria-describedby="voice-mention-hint" data-testid="brand-voice-mention" />
          <span id="voice-mention-hint" class="hint">
            One phrase per line, up to {MENTION_MAX} ({mention.length} now).
          </span>
        </div>
        <div class="span-2 row wrap">
          <button type="submit" class="button primary" aria-disabled={problem || busy ? 'true' : undefined} aria-busy={busy} data-testid="brand-voice-save">
            {busy ? 'Saving…' : 'Save brand voice'}
          </button>
          <span class="muted" data-testid="brand-voice-updated">
            {voice?.updatedAt ? `Saved ${formatDateTime(voice.updatedAt)}` : 'Not set yet: the AI writes in a neutral tone, in English.'}
          </span>
        </div>
        {problem && (
          <p id="voice-problem" class="field-error span-2" data-testid="brand-voice-problem">
            {problem}
          </p>
        )}
      </form>
    </section>
  );
}
