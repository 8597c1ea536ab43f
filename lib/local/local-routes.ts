/**
 * Routes that exist only in the local stack (never deployed): tokens, the clock, running schedules
 * now, the metric totals. Later capabilities add theirs here (plan switching, checkout pages).
 */
import { ClockRequest, TokenRequest } from './requests.ts';
import { clockOffsetSeconds, serviceClock, setClockOffset } from '../../functions/core/clock.ts';
import type { LocalBus } from './bus.ts';
import { UnknownSchedule, type LocalScheduler } from './scheduler.ts';
import type { MetricTotals } from './metrics.ts';
import type { LocalRequest, LocalResponse, LocalRoute } from './server.ts';
import type { LocalKeys } from './tokens.ts';

export interface LocalContext {
  keys: LocalKeys;
  bus: LocalBus;
  scheduler: LocalScheduler;
  metrics: MetricTotals;
  /** Base URL of the running stack, e.g. http://127.0.0.1:3000. */
  url: () => string;
  webhookSecret: string;
}

/** Validates a local route's JSON body with a zod schema; a bad body is a 400 in the contract's envelope. */
export function parseLocal<T>(req: LocalRequest, schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: Array<{ path: PropertyKey[]; message: string }> } } }): T | LocalResponse {
  let raw: unknown;
  try {
    raw = req.json();
  } catch {
    return { status: 400, body: { error: { code: 'VALIDATION_FAILED', message: 'Malformed JSON body.', issues: [{ path: '(body)', message: 'not JSON' }] } } };
  }
  const r = schema.safeParse(raw);
  if (r.success) return r.data;
  return {
    status: 400,
    body: { error: { code: 'VALIDATION_FAILED', message: 'The request is not valid.', issues: r.error.issues.map((i) => ({ path: i.path.map(String).join('.') || '(body)', message: i.message })) } },
  };
}

export const isResponse = (v: unknown): v is LocalResponse => typeof v === 'object' && v !== null && 'status' in v && typeof (v as LocalResponse).status === 'number';

type RouteFactory = (ctx: LocalContext) => LocalRoute[];
const factories: RouteFactory[] = [];

/** Lets a capability contribute local-only routes (imported by `lib/local/stack.ts`). */
export function addLocalRoutes(factory: RouteFactory): void {
  factories.push(factory);
}

export function localRoutes(ctx: LocalContext): LocalRoute[] {
  const base: LocalRoute[] = [
    {
      method: 'POST',
      path: '/local/token',
      async handle(req) {
        const body = parseLocal(req, TokenRequest);
        if (isResponse(body)) return body;
        return { status: 200, body: { token: await ctx.keys.sign({ accountId: body.accountId, sub: body.sub, scopes: body.scopes }) } };
      },
    },
    {
      method: 'POST',
      path: '/local/clock',
      async handle(req) {
        const body = parseLocal(req, ClockRequest);
        if (isResponse(body)) return body;
        setClockOffset(body.offsetSeconds);
        await ctx.scheduler.tick();
        return { status: 200, body: { offsetSeconds: clockOffsetSeconds(), now: serviceClock.now().toISOString() } };
      },
    },
    {
      method: 'GET',
      path: '/local/clock',
      async handle() {
        return { status: 200, body: { offsetSeconds: clockOffsetSeconds(), now: serviceClock.now().toISOString() } };
      },
    },
    {
      // The running totals of every metric emitted since the stack started, named as in CloudWatch.
      method: 'GET',
      path: '/local/metrics',
      async handle() {
        return { status: 200, body: { metrics: ctx.metrics.list() } };
      },
    },
    {
      method: 'POST',
      path: '/local/schedules/{scheduleId}',
      async handle(req) {
        try {
          return { status: 200, body: await ctx.scheduler.runNow(req.params.scheduleId) };
        } catch (err) {
          if (err instanceof UnknownSchedule) return { status: 404, body: { error: { code: 'NOT_FOUND', message: err.message } } };
          // The handler threw, as Lambda would record it (and retry the scheduled invocation).
          return { status: 500, body: { error: { code: 'SCHEDULE_FAILED', message: String((err as Error)?.message ?? err) } } };
        }
      },
    },
  ];
  return [...base, ...factories.flatMap((f) => f(ctx))];
}
