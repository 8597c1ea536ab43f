/**
 * Blog scheduling: a chosen draft of a `blog_post` generation becomes a post that publishes itself at
 * `publishAt`. The post lives in the account's item collection; a one-time schedule (EventBridge
 * Scheduler in AWS, the local stack's scheduler locally) invokes the publish function, whose one
 * conditional write (scheduled → published) makes a retried or duplicated firing publish once, and
 * makes a canceled post never publish, whatever its schedule still does.
 */
import { LIMITS } from '../config.ts';
import { takeSlot, type CapRule, type CapSlot, type CapStore } from './caps.ts';
import type { Clock } from './clock.ts';
import { Conflict, NotFound, ServiceUnavailable, ValidationFailed } from './errors.ts';
import type { GenerationStore } from './generation-store.ts';
import { derivedId, newId } from './ids.ts';
import type { BlogVariant } from './model.ts';
import type { NotificationStore } from './ports.ts';

export const BLOG_POST_STATUSES = ['scheduled', 'published', 'canceled'] as const;
export type BlogPostStatus = (typeof BLOG_POST_STATUSES)[number];

export interface BlogPostRecord {
  id: string;
  accountId: string;
  generationId: string;
  index: number;
  title: string;
  excerpt: string;
  bodyMarkdown: string;
  status: BlogPostStatus;
  publishAt: string;
  createdAt: string;
  publishedAt: string | null;
  canceledAt: string | null;
  /** The one-time schedule that publishes it. */
  scheduleName: string;
  /** When the `blog_published` notification was written (a retry after a crash finishes that step). */
  notifiedAt: string | null;
}

export type Transition = { ok: true; post: BlogPostRecord } | { ok: false; post: BlogPostRecord | null };

/** Persistence of blog posts (`BLOG#id` in the account's item collection). */
export interface BlogPostStore {
  /** Writes a new post; its id is fresh, so this never replaces one. */
  create(post: BlogPostRecord): Promise<void>;
  get(accountId: string, id: string): Promise<BlogPostRecord | null>;
  /** Newest first, only the given statuses. */
  list(accountId: string, statuses: readonly BlogPostStatus[], limit: number, cursor?: string): Promise<{ items: BlogPostRecord[]; nextCursor: string | null }>;
  /**
   * One conditional write: `scheduled` → `to`, stamping `publishedAt` or `canceledAt` with `at`.
   * `ok: false` with the post as it stood (or null) when it was not `scheduled`.
   */
  leaveScheduled(accountId: string, id: string, to: 'published' | 'canceled', at: string): Promise<Transition>;
  markNotified(accountId: string, id: string, at: string): Promise<void>;
  /** Removes a post whose schedule could not be created (it was never shown as scheduled). */
  remove(accountId: string, id: string): Promise<void>;
}

/** What the publish function receives from a schedule, in AWS and locally alike. */
export interface PublishPayload {
  accountId: string;
  postId: string;
}

/**
 * One-time schedules that invoke the publish function (the wiring's `scheduleTarget`). Adapters:
 * EventBridge Scheduler (`adapters/scheduler.ts`) and the local stack's scheduler (`LOCAL_STACK=1`).
 */
export interface Scheduler {
  /** Creates the schedule `name`, firing once at `at` (whole seconds, never before `at`). */
  schedulePublish(name: string, at: Date, payload: PublishPayload): Promise<void>;
  /** Deletes it; false when there was none (it already fired, or was deleted). */
  cancel(name: string): Promise<boolean>;
}

export interface BlogDeps {
  clock: Clock;
  generations: GenerationStore;
  blogPosts: BlogPostStore;
  scheduler: Scheduler;
  notifications: NotificationStore;
  caps: CapStore;
}

export interface ScheduleRequest {
  generationId: string;
  index: number;
  publishAt: string;
}

export const scheduleNameOf = (postId: string): string => `blog-${postId}`;

/**
 * A scheduled post holds one slot of the account's `scheduled-posts` cap, keyed by the draft it was made
 * from: the same write that enforces the cap of 50 also refuses a second post from a draft while the
 * first is scheduled (each would be one more EventBridge schedule, an account-wide AWS quota).
 */
const draftKey = (generationId: string, index: number): string => `${generationId}#${index}`;

function scheduledPostsRule(deps: BlogDeps, accountId: string, now: Date): CapRule {
  return {
    cap: 'scheduled-posts',
    max: LIMITS.maxScheduledPosts,
    message: `You can have at most ${LIMITS.maxScheduledPosts} posts scheduled at once. Cancel one, or wait until one is published.`,
    // A slot counts while its post is scheduled, and while it is young enough that its request may still
    // be writing the post; an older one whose post is missing belongs to a request that died.
    async stillCounts(slot: CapSlot) {
      if (now.getTime() - Date.parse(slot.at) < LIMITS.capSlotReclaimSeconds * 1000) return true;
      return (await deps.blogPosts.get(accountId, slot.ref))?.status === 'scheduled';
    },
    taken: (holder) =>
      new Conflict(`This draft is already scheduled as post ${holder.ref}. Cancel that post to schedule the draft again.`, 'CONFLICT', { postId: holder.ref }),
  };
}

/** Gives a post's slot back once it has left `scheduled`; guarded on the post id, so repeating it is harmless. */
async function releaseSlot(deps: BlogDeps, post: BlogPostRecord): Promise<void> {
  if (post.status !== 'scheduled') await deps.caps.give(post.accountId, 'scheduled-posts', draftKey(post.generationId, post.index), post.id);
}

/** The public shape; `bodyMarkdown` only when one post is asked for. */
export function postView(p: BlogPostRecord, withBody = false) {
  return {
    id: p.id,
    title: p.title,
    excerpt: p.excerpt,
    status: p.status,
    publishAt: p.publishAt,
    publishedAt: p.publishedAt,
    canceledAt: p.canceledAt,
    createdAt: p.createdAt,
    generationId: p.generationId,
    index: p.index,
    ...(withBody ? { bodyMarkdown: p.bodyMarkdown } : {}),
  };
}

/**
 * Schedules variant `index` of the account's own `blog_post` generation. The post is written before
 * its schedule, so a schedule never fires for a post that is not there yet; when the schedule cannot
 * be created the post is removed again and the merchant is asked to retry.
 */
export async function schedulePost(deps: BlogDeps, accountId: string, req: ScheduleRequest) {
  const g = await deps.generations.getGeneration(accountId, req.generationId);
  if (!g || g.feature !== 'blog_post') throw new NotFound(`Blog post generation ${req.generationId} was not found.`);
  const variant = g.variants[req.index] as BlogVariant | undefined;
  if (!variant) throw new ValidationFailed([{ path: 'index', message: `generation ${g.id} has no variant ${req.index}` }]);

  const now = deps.clock.now();
  const at = new Date(req.publishAt);
  if (at.getTime() <= now.getTime()) throw new ValidationFailed([{ path: 'publishAt', message: `must be in the future (now is ${now.toISOString()})` }]);
  if (at.getTime() > now.getTime() + LIMITS.blogScheduleMaxDays * 86_400_000) {
    throw new ValidationFailed([{ path: 'publishAt', message: `must be within ${LIMITS.blogScheduleMaxDays} days` }]);
  }

  const id = newId('post', now);
  const post: BlogPostRecord = {
    id,
    accountId,
    generationId: g.id,
    index: req.index,
    title: variant.title,
    excerpt: variant.excerpt,
    bodyMarkdown: variant.bodyMarkdown,
    status: 'scheduled',
    publishAt: at.toISOString(),
    createdAt: now.toISOString(),
    publishedAt: null,
    canceledAt: null,
    scheduleName: scheduleNameOf(id),
    notifiedAt: null,
  };
  // The slot first: a refusal (409) leaves nothing behind; a crash after it is reclaimed (see the rule).
  await takeSlot(deps.caps, accountId, scheduledPostsRule(deps, accountId, now), { key: draftKey(g.id, req.index), ref: id, at: post.createdAt });
  const giveBack = () => deps.caps.give(accountId, 'scheduled-posts', draftKey(g.id, req.index), id);
  try {
    await deps.blogPosts.create(post);
  } catch (err) {
    await giveBack();
    throw err;
  }
  try {
    await deps.scheduler.schedulePublish(post.scheduleName, at, { accountId, postId: id });
  } catch (err) {
    await deps.blogPosts.remove(accountId, id);
    await giveBack();
    const unavailable = new ServiceUnavailable('The post could not be scheduled right now. Please try again.');
    (unavailable as { cause?: unknown }).cause = err;
    throw unavailable;
  }
  return postView(post);
}

export async function listPosts(deps: BlogDeps, accountId: string, q: { limit: number; cursor?: string; status?: BlogPostStatus }) {
  // Canceled posts are asked for by name; the default list is what is or will be live.
  const statuses: readonly BlogPostStatus[] = q.status ? [q.status] : ['scheduled', 'published'];
  const page = await deps.blogPosts.list(accountId, statuses, q.limit, q.cursor);
  return { items: page.items.map((p) => postView(p)), nextCursor: page.nextCursor };
}

export async function getPost(deps: BlogDeps, accountId: string, id: string) {
  const post = await deps.blogPosts.get(accountId, id);
  if (!post) throw new NotFound(`Blog post ${id} was not found.`);
  return postView(post, true);
}

/**
 * Cancels a scheduled post, then deletes its schedule. The status changes first: should the deletion
 * fail, the schedule still fires into a canceled post, which does not publish. Canceling a canceled
 * post answers it again (and retries the deletion); a published post cannot be canceled (409).
 */
export async function cancelPost(deps: BlogDeps, accountId: string, id: string) {
  const r = await deps.blogPosts.leaveScheduled(accountId, id, 'canceled', deps.clock.now().toISOString());
  if (!r.post) throw new NotFound(`Blog post ${id} was not found.`);
  await releaseSlot(deps, r.post);
  if (!r.ok && r.post.status === 'published') throw new Conflict(`Blog post ${id} was already published.`, 'ALREADY_PUBLISHED');
  await deps.scheduler.cancel(r.post.scheduleName).catch(() => false);
  return postView(r.post, true);
}

export type PublishOutcome = 'published' | 'already_published' | 'canceled' | 'not_found';

/**
 * The schedule's target. Publishes with one conditional write (scheduled → published): of any number
 * of invocations for a post, only one wins it, and only the winner writes the `blog_published`
 * notification. Its id is derived from the post, so should the winner die between its two writes,
 * the retry that finds the post published but not yet notified writes that same notification, once.
 */
export async function publishPost(deps: BlogDeps, payload: PublishPayload): Promise<PublishOutcome> {
  const now = deps.clock.now().toISOString();
  const r = await deps.blogPosts.leaveScheduled(payload.accountId, payload.postId, 'published', now);
  if (!r.post) return 'not_found';
  // Also on a retry: the invocation that won may have died before giving the slot back.
  await releaseSlot(deps, r.post);
  if (!r.ok && r.post.status === 'canceled') return 'canceled';
  if (!r.ok && r.post.notifiedAt) return 'already_published';
  await deps.notifications.add(payload.accountId, {
    id: derivedId('ntf', new Date(r.post.publishAt), `blog_published:${r.post.id}`),
    type: 'blog_published',
    message: `Your blog post “${r.post.title}” is now published.`,
    createdAt: r.post.publishedAt ?? now,
  });
  await deps.blogPosts.markNotified(payload.accountId, payload.postId, now);
  return r.ok ? 'published' : 'already_published';
}
