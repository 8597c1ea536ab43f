/**
 * Every answer the integration tests get from the API is checked against the route's definition, the
 * one the OpenAPI document is written from: a success must parse with the route's success schema and
 * status, a refusal must carry a code the route lists, with that code's status. So a document that
 * falls behind what a handler does fails the test that saw it.
 */
import { isDeepStrictEqual } from 'node:util';
import * as z from '#zod';
import { ERRORS } from '../../functions/routes/errors.ts';
import type { ErrorCode, RouteDefinition } from '../../functions/routes/route.ts';
import { routeDefinition, routes } from '../../lib/wiring.ts';

const compiled = routes().map((r) => ({
  method: r.method,
  regex: new RegExp(`^${r.path.replace(/\{\w+\}/g, '[^/]+')}$`),
  def: routeDefinition(r.fn.id)!,
}));

/** The definition of the route a request reached, if it reached one. */
export function definitionFor(method: string, url: string): RouteDefinition | undefined {
  const path = new URL(url, 'http://x').pathname;
  return compiled.find((c) => c.method === method && c.regex.test(path))?.def;
}

/** Why an answer breaks its route's contract, or undefined when it keeps it. */
export function contractBreach(method: string, url: string, status: number, body: unknown): string | undefined {
  const def = definitionFor(method, url);
  if (!def || typeof body !== 'object' || body === null) return undefined;
  const where = `${method} ${new URL(url, 'http://x').pathname} answered ${status}`;
  if (status < 300) {
    if (status !== def.success.status) return `${where}, documented ${def.success.status}`;
    const r = def.success.schema.safeParse(body);
    if (!r.success) return `${where} with a body its schema refuses: ${z.prettifyError(r.error)}`;
    // The document states closed objects: parsing drops any field it does not name, so a difference is one.
    return isDeepStrictEqual(r.data, body) ? undefined : `${where} with fields its schema does not state: ${JSON.stringify(body).slice(0, 300)}`;
  }
  const code = (body as { error?: { code?: string } }).error?.code as ErrorCode | undefined;
  // 401 before the function (the authorizer), 404/405 for no route, 413 from the gateway: not the route's to list.
  if (!code || !(code in ERRORS)) return status >= 500 ? `${where} without a known code` : undefined;
  if (ERRORS[code].status !== status) return `${where} with ${code}, whose status is ${ERRORS[code].status}`;
  if (!def.errors.includes(code)) return `${where} with ${code}, which its definition does not list`;
  return undefined;
}
