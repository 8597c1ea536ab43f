/**
 * Blog: generate two drafts from a topic, compare them rendered, pick one, schedule it;
 * list scheduled and published posts, cancel a scheduled one.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, itemsOf } from '../api.ts';
import { countWord, featureOf, useCatalog } from '../catalog.ts';
import { CardHead } from '../components/CardHead.tsx';
import { SelectField, TONES } from '../components/fields.tsx';
import { GenerateButton, GeneratedVariants, useGeneration } from '../components/generation.tsx';
import { Markdown } from '../components/Markdown.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { capitalize, formatDateTime, splitList, toDatetimeLocal } from '../format.ts';
import { useAction, useList } from '../hooks.ts';
import { pushToast, useAppState } from '../store.ts';
import { useVoiceTone } from '../voice.ts';
import type { BlogLength, BlogPost, BlogVariant, InputOf, Tone } from '../types.ts';

const LENGTHS = [
  { id: 'short', label: 'Short (~300 words)' },
  { id: 'medium', label: 'Medium (~600 words)' },
  { id: 'long', label: 'Long (~1,000 words)' },
] as const;

export function BlogPage() {
  const [topic, setTopic] = useState('How to brew the perfect pour-over at home');
  const [keywords, setKeywords] = useState('pour over, coffee ritual, brewing guide');
  const [tone, setTone] = useState<Tone>('friendly');
  const pickTone = useVoiceTone(setTone);
  const [length, setLength] = useState<BlogLength>('short');
  const catalog = useCatalog();
  const g = useGeneration('blog', 'blog_post', { title: 'Draft selected', message: 'Schedule it below.' });
  const gen = g.generation;
  // Moving the service clock (local mode) fires due schedules at once: look again when it moves.
  const clockOffset = useAppState((s) => s.clockOffset);
  const { items: posts, reload: loadPosts } = useList(() => api.blogPosts().then(itemsOf), [clockOffset], 'Could not load the blog posts');
  // Scheduled posts publish on the service clock: look again now and then while some are waiting.
  const waiting = posts?.some((p) => p.status === 'scheduled');
  useEffect(() => {
    if (!waiting) return;
    const t = window.setInterval(loadPosts, 15_000);
    return () => window.clearInterval(t);
  }, [waiting]);

  const generate = () => {
    if (!topic.trim()) return;
    const input: InputOf<'blog_post'> = { topic: topic.trim(), tone, length };
    const kw = splitList(keywords);
    if (kw.length) input.keywords = kw.slice(0, 20);
    void g.generate(input);
  };

  const selected = gen && gen.selectedIndex !== null ? (gen.variants as BlogVariant[]).find((v) => v.index === gen.selectedIndex) : undefined;

  return (
    <div class="page">
      <PageHeader section="Content" href="#/blog" page="Blog" />
      <section class="card" aria-labelledby="blog-gen-title">
        <CardHead
          id="blog-gen-title"
          title="Write a post with AI"
          feature="blog_post"
          note={`${capitalize(countWord(featureOf(catalog, 'blog_post').variants))} drafts to compare; keep the one you like and schedule it.`}
        />
        <form class="form-grid" onSubmit={(e) => e.preventDefault()}>
          <div class="field span-2">
            <label for="b-topic">Topic</label>
            <input id="b-topic" value={topic} onInput={(e) => setTopic(e.currentTarget.value)} maxLength={200} required data-testid="blog-topic" />
          </div>
          <div class="field span-2">
            <label for="b-keywords">Keywords</label>
            <input id="b-keywords" value={keywords} onInput={(e) => setKeywords(e.currentTarget.value)} aria-describedby="b-keywords-hint" data-testid="blog-keywords" />
            <span id="b-keywords-hint" class="hint">
              Separated by commas.
            </span>
          </div>
          <SelectField
            id="b-tone"
            label="Tone"
            value={tone}
            options={TONES}
            onChange={(t) => {
              pickTone();
              setTone(t);
            }}
            testId="blog-tone"
          />
          <SelectField id="b-length" label="Length" value={length} options={LENGTHS} onChange={setLength} testId="blog-length" />
          <div class="span-2 row end">
            <GenerateButton g={g} label="Generate drafts" onClick={generate} testId="generate-blog" disabled={!topic.trim()} disabledReason="Enter a topic to generate." />
          </div>
        </form>
      </section>

      {gen && (
        <section class="card" aria-labelledby="drafts-title">
          <h2 id="drafts-title">Drafts</h2>
          <GeneratedVariants g={g} name="blog" heading={(v) => `Draft ${v.index + 1}`} selectLabel="Use this draft">
            {(v) => (
              <>
                <h3 class="draft-title" data-testid="blog-draft-title">
                  {v.title}
                </h3>
                <p class="draft-excerpt">{v.excerpt}</p>
                {/* It scrolls: focusable and named, so a keyboard can read the whole draft. */}
                <div class="draft-body" tabIndex={0} role="region" aria-label={`Draft ${v.index + 1}, full text`}>
                  <Markdown source={v.bodyMarkdown} testId="blog-draft-body" />
                </div>
              </>
            )}
          </GeneratedVariants>
          {selected && gen && (
            <ScheduleForm
              generationId={gen.id}
              index={selected.index}
              title={selected.title}
              // The API takes one scheduled post per draft: while there is one, the form says so instead.
              scheduled={posts?.find((p) => p.status === 'scheduled' && p.generationId === gen.id && p.index === selected.index)}
              onScheduled={loadPosts}
            />
          )}
        </section>
      )}

      <section class="card" aria-labelledby="posts-title" data-testid="blog-posts">
        <h2 id="posts-title">Scheduled and published</h2>
        {posts === null && <p class="muted">Loading…</p>}
        {posts?.length === 0 && <p class="muted">No posts yet.</p>}
        <ul class="post-list" role="list">
          {posts?.map((p) => (
            <li key={p.id} class="post" data-testid="blog-post-item" data-status={p.status}>
              <div>
                <strong>{p.title}</strong>
                <span class="muted small">
                  {' '}
                  · {p.status === 'published' ? `Published ${formatDateTime(p.publishedAt ?? p.publishAt)}` : `${capitalize(p.status)} for ${formatDateTime(p.publishAt)}`}
                </span>
              </div>
              <span class={`badge ${p.status === 'published' ? 'success' : p.status === 'scheduled' ? 'accent' : ''}`} data-testid="blog-post-status">
                {capitalize(p.status)}
              </span>
              {p.status === 'scheduled' && <CancelButton post={p} onDone={loadPosts} />}
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}

function CancelButton({ post, onDone }: { post: BlogPost; onDone: () => Promise<unknown> }) {
  const { busy, run } = useAction('Could not cancel the post');
  return (
    <button
      type="button"
      class="button small danger"
      disabled={busy}
      aria-label={`Cancel “${post.title}”`}
      data-testid="blog-post-cancel"
      onClick={() =>
        run(async () => {
          await api.cancelPost(post.id);
          pushToast({ kind: 'info', title: 'Post canceled', message: post.title, ttlMs: 4000 });
          await onDone();
        })
      }
    >
      Cancel
    </button>
  );
}

function ScheduleForm({
  generationId,
  index,
  title,
  scheduled,
  onScheduled,
}: {
  generationId: string;
  index: number;
  title: string;
  scheduled?: BlogPost;
  onScheduled: () => Promise<unknown>;
}) {
  // The service clock may run ahead (local mode): propose an hour after the service's now.
  const offset = useAppState((s) => s.clockOffset);
  const serviceNow = () => new Date(Date.now() + offset * 1000);
  const [when, setWhen] = useState(() => toDatetimeLocal(new Date(serviceNow().getTime() + 3600_000)));
  const { busy, run } = useAction('Could not schedule the post');
  // A second click can land before the disabled button is rendered: guard the submit itself too.
  const inFlight = useRef(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    const at = new Date(when);
    if (Number.isNaN(at.getTime()) || scheduled || inFlight.current) return;
    inFlight.current = true;
    await run(async () => {
      const post = await api.schedulePost(generationId, index, at.toISOString());
      pushToast({ kind: 'success', title: 'Post scheduled', message: `“${post.title ?? title}” goes live ${formatDateTime(post.publishAt)}.`, ttlMs: 6000 });
      // Still busy until the list shows the new post, so the button never re-enables for this draft.
      await onScheduled();
    });
    inFlight.current = false;
  };

  return (
    <form class="schedule" onSubmit={submit} data-testid="blog-schedule-form">
      <div class="field">
        <label for="b-when">Publish “{title}” at</label>
        <input
          id="b-when"
          type="datetime-local"
          value={when}
          min={toDatetimeLocal(serviceNow())}
          onInput={(e) => setWhen(e.currentTarget.value)}
          required
          data-testid="blog-publish-at"
        />
      </div>
      <button type="submit" class="button primary" disabled={busy || !when || !!scheduled} aria-describedby={scheduled ? 'b-scheduled-note' : undefined} data-testid="blog-schedule">
        {busy ? 'Scheduling…' : scheduled ? 'Scheduled' : 'Schedule'}
      </button>
      {scheduled && (
        <p id="b-scheduled-note" class="hint" data-testid="blog-schedule-note">
          This draft is scheduled for {formatDateTime(scheduled.publishAt)}. Cancel that post below to schedule it again.
        </p>
      )}
    </form>
  );
}
