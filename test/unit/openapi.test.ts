/**
 * The OpenAPI document is written from the route definitions the handlers run with: every served route
 * is in it (iterated at test time, so a route added later is covered without touching this file), with
 * its security, parameters as the handler validates them, request body, success status and the error
 * envelope of every code it can answer.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import type * as z from '#zod';
import * as errors from '#core/errors.ts';
import { rateLimitHeaders } from '#http/rate-limit-headers.ts';
import { buildOpenApi, docsHtml, swaggerUiDir } from '#lib/openapi.ts';
import { routeDefinition, routes } from '#lib/wiring.ts';
import { ERRORS } from '../../functions/routes/errors.ts';
import type { RouteDefinition } from '../../functions/routes/route.ts';

const doc = buildOpenApi();
const served = routes().map((r) => ({ ...r, def: routeDefinition(r.fn.id)! }));
const key = (r: { method: string; path: string }) => `${r.method} ${r.path}`;
const op = (r: { method: string; path: string }) => doc.paths[r.path]?.[r.method.toLowerCase()];

/** Follows a local `$ref` ("#/components/…") through the document. */
function resolve(pointer: string): any {
  return pointer
    .replace(/^#\//, '')
    .split('/')
    .reduce<any>((node, part) => node?.[part.replace(/~1/g, '/').replace(/~0/g, '~')], doc);
}

/** The JSON Schema of a parameter as the document states it, and the zod field the handler parses it with. */
function parameterPairs(r: (typeof served)[number]): Array<[string, any, z.ZodMiniType]> {
  const fields = (s: RouteDefinition['params']) => ((s as z.ZodMiniObject | undefined)?.shape ?? {}) as Record<string, z.ZodMiniType>;
  const byName = { ...fields(r.def.params), ...fields(r.def.query) };
  return op(r)
    .parameters.filter((p: any) => p.in === 'path' || p.in === 'query')
    .map((p: any) => [p.name, p.schema, byName[p.name]!] as [string, any, z.ZodMiniType]);
}

describe('OpenAPI document', () => {
  it('is OpenAPI 3.1 and survives a JSON round trip (what /openapi.json serves)', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(JSON.parse(JSON.stringify(doc))).toEqual(doc);
  });

  it.each(served.map((r) => [key(r), r]))('has %s, served by its function from its definition', (_k, r) => {
    expect(op(r), `${key(r)} is missing from the OpenAPI document`).toBeDefined();
    expect(r.def, `${r.fn.id} has no definition in functions/routes/`).toBeDefined();
    expect(key(r.def)).toBe(key(r));
    expect(op(r).summary).toBe(r.def.summary);
  });

  it('documents no route the wiring lacks', () => {
    const documented = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops as object).map((m) => `${m.toUpperCase()} ${p}`));
    expect(documented.sort()).toEqual(served.map(key).sort());
  });

  it('requires the bearer JWT, with the route scopes, exactly on jwt routes; webhooks are signed instead', () => {
    for (const r of served) {
      if (r.auth === 'jwt') {
        expect(op(r).security, key(r)).toEqual([{ bearerAuth: r.scopes ?? [] }]);
        expect(op(r).responses['401'], key(r)).toBeDefined();
      } else {
        expect(op(r).security.some((s: object) => 'bearerAuth' in s), key(r)).toBe(false);
      }
    }
    const webhook = doc.paths['/v1/webhooks/subscriptions'].post;
    expect(webhook.security).toEqual([{ webhookSignature: [] }]);
    expect(webhook.parameters).toContainEqual(expect.objectContaining({ name: 'Webhook-Signature', in: 'header', required: true }));
    expect(webhook.requestBody.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/WebhookEvent' });
  });

  it('declares every path parameter of every route', () => {
    for (const r of served) {
      const names = [...r.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
      const declared = op(r).parameters.filter((p: any) => p.in === 'path').map((p: any) => p.name);
      expect(declared, key(r)).toEqual(names);
    }
  });

  it('given every documented string parameter cap, then the handler accepts a value of that length and refuses one longer', () => {
    let checked = 0;
    for (const r of served) {
      for (const [name, schema, field] of parameterPairs(r)) {
        expect(field, `${key(r)} ${name} is documented but not parsed`).toBeDefined();
        if (typeof schema.maxLength !== 'number') continue;
        expect(field.safeParse('a'.repeat(schema.maxLength)).success, `${key(r)} ${name}`).toBe(true);
        expect(field.safeParse('a'.repeat(schema.maxLength + 1)).success, `${key(r)} ${name}`).toBe(false);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(10);
  });

  it('documents each list query as its handler parses it: notifications cursors up to 300, blog posts filtered by status', () => {
    const param = (p: string, name: string) => doc.paths[p].get.parameters.find((x: any) => x.name === name);
    expect(param('/v1/notifications', 'cursor').schema.maxLength).toBe(300);
    expect(param('/v1/blog-posts', 'status')).toMatchObject({ in: 'query', required: false, schema: { enum: ['scheduled', 'published', 'canceled'] } });
    expect(param('/v1/credits/ledger', 'limit')).toMatchObject({ in: 'query', required: false, schema: { minimum: 1, maximum: 100, default: 50 } });
  });

  it('takes request bodies from the zod schemas: GenerateRequest keeps its caps and its feature discriminator', () => {
    const body = doc.paths['/v1/generations'].post.requestBody.content['application/json'].schema;
    expect(body).toEqual({ $ref: '#/components/schemas/GenerateRequest' });
    const text = JSON.stringify(doc.components.schemas.GenerateRequest);
    for (const feature of ['product_description', 'seo_meta', 'image_enhancement', 'blog_post', 'website_design']) expect(text).toContain(`"const":"${feature}"`);
    expect(text).toContain('"maxLength":200');
    expect(text).toContain('"additionalProperties":false');
  });

  it('answers success with the status the handler replies with, and documents Idempotency-Key exactly where the handler honours it', () => {
    for (const r of served) {
      expect(Object.keys(op(r).responses).filter((s) => Number(s) < 300), key(r)).toEqual([String(r.def.success.status)]);
      const header = op(r).parameters.some((p: any) => p.in === 'header' && p.name === 'Idempotency-Key');
      expect(header, key(r)).toBe(r.def.idempotent);
    }
    expect(served.filter((r) => r.def.idempotent).map((r) => r.fn.id)).toContain('blog-posts-create');
  });

  it('resolves every $ref in the document', () => {
    const refs = JSON.stringify(doc).match(/"\$ref":"[^"]+"/g) ?? [];
    expect(refs.length).toBeGreaterThan(20);
    for (const r of new Set(refs)) {
      const pointer = JSON.parse(`{${r}}`).$ref as string;
      expect(resolve(pointer), pointer).toBeDefined();
    }
  });

  it('knows the status of every DomainError in functions/core/errors.ts, as the domain throws it', () => {
    // Every concrete subclass, built with its defaults (Conflict's default code included).
    const thrown = (Object.values(errors) as unknown[])
      .filter((C) => typeof C === 'function' && C.prototype instanceof errors.DomainError)
      .map((C) => new (C as new () => errors.DomainError)())
      .map((e) => [e.code, e.status] as const);
    expect(thrown.length).toBeGreaterThan(8);
    for (const [code, status] of thrown) expect(ERRORS[code as keyof typeof ERRORS]?.status, code).toBe(status);
  });

  it('given every code a route can answer, then its response of that status carries the envelope with that code', () => {
    for (const r of served) {
      for (const code of r.def.errors) {
        const response = op(r).responses[ERRORS[code].status];
        expect(response, `${key(r)} ${code}`).toBeDefined();
        const schema = response.content['application/json'].schema;
        const refs: string[] = schema.$ref ? [schema.$ref] : schema.oneOf.map((s: any) => s.$ref);
        expect(refs.map((p) => resolve(p).properties.error.properties.code.const), `${key(r)} ${code}`).toContain(code);
      }
      // A route with a body refuses oversize ones; every route refuses an undecodable parameter.
      expect(op(r).responses['400'], key(r)).toBeDefined();
      if (r.def.body) expect(op(r).responses['413'], key(r)).toBeDefined();
    }
  });

  it('gives generation routes the RateLimit headers as the handler sends them, and 429 a Retry-After', () => {
    const post = doc.paths['/v1/generations'].post;
    expect(Object.keys(post.responses['201'].headers)).toEqual(['RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset', 'RateLimit-Policy', 'RateLimit']);
    expect(Object.keys(post.responses).sort()).toEqual(['201', '400', '401', '402', '403', '404', '409', '413', '429', '502']);
    expect(Object.keys(post.responses['429'].headers)).toContain('Retry-After');
    const sent = rateLimitHeaders({ limit: 10, remaining: 9, resetSeconds: 3412, windowSeconds: 3600 });
    expect(doc.components.headers['RateLimit-Policy'].example).toBe(sent['ratelimit-policy']);
    expect(doc.components.headers['RateLimit-Policy'].example).toMatch(/^"attempts";/);
    expect(doc.components.headers.RateLimit.example).toBe(sent.ratelimit);
  });
});

describe('Swagger UI', () => {
  it('swaggerUiDir() holds the files the docs page loads', () => {
    const html = docsHtml();
    const assets = [...html.matchAll(/(?:href|src)="\/docs\/([^"]+)"/g)].map((m) => m[1]!);
    expect(assets).toEqual(expect.arrayContaining(['swagger-ui.css', 'swagger-ui-bundle.js', 'swagger-ui-standalone-preset.js']));
    for (const file of assets) expect(fs.existsSync(path.join(swaggerUiDir(), file)), file).toBe(true);
  });

  it('docsHtml() points Swagger UI at /openapi.json', () => {
    expect(docsHtml()).toContain('url: "/openapi.json"');
    expect(docsHtml({ specUrl: '/other.json' })).toContain('url: "/other.json"');
  });
});
