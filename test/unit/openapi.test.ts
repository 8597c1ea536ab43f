/**
 * The OpenAPI document follows the wiring: every route is in it (iterated at test time, so a route
 * added later is covered without touching this file), with its security, parameters, request body
 * from the zod schemas, and the error envelope of every code the domain can throw.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import * as errors from '#core/errors.ts';
import { buildOpenApi, DESCRIBED_ROUTES, docsHtml, ERROR_RESPONSES, swaggerUiDir } from '#lib/openapi.ts';
import { routes } from '#lib/wiring.ts';

const doc = buildOpenApi();
const wiringRoutes = routes();
const key = (r: { method: string; path: string }) => `${r.method} ${r.path}`;

/** Follows a local `$ref` ("#/components/…") through the document. */
function resolve(pointer: string): unknown {
  return pointer
    .replace(/^#\//, '')
    .split('/')
    .reduce<any>((node, part) => node?.[part.replace(/~1/g, '/').replace(/~0/g, '~')], doc);
}

describe('OpenAPI document', () => {
  it('is OpenAPI 3.1 and survives a JSON round trip (what /openapi.json serves)', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(JSON.parse(JSON.stringify(doc))).toEqual(doc);
  });

  it.each(wiringRoutes.map((r) => [key(r), r]))('has %s from lib/wiring.ts', (_k, r) => {
    const op = doc.paths[r.path]?.[r.method.toLowerCase()];
    expect(op, `${key(r)} is missing from the OpenAPI document`).toBeDefined();
  });

  it('documents no route the wiring lacks', () => {
    const documented = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops as object).map((m) => `${m.toUpperCase()} ${p}`));
    expect(documented.sort()).toEqual(wiringRoutes.map(key).sort());
  });

  it('describes every wiring route by hand (none falls back to the generic operation)', () => {
    expect(wiringRoutes.map(key).filter((k) => !DESCRIBED_ROUTES.has(k))).toEqual([]);
  });

  it('requires the bearer JWT, with the route scopes, exactly on jwt routes; webhooks are signed instead', () => {
    for (const r of wiringRoutes) {
      const op = doc.paths[r.path][r.method.toLowerCase()];
      if (r.auth === 'jwt') {
        expect(op.security, key(r)).toEqual([{ bearerAuth: r.scopes ?? [] }]);
        expect(op.responses['401'], key(r)).toBeDefined();
      } else {
        expect(op.security.some((s: object) => 'bearerAuth' in s), key(r)).toBe(false);
      }
    }
    const webhook = doc.paths['/v1/webhooks/subscriptions']?.post;
    if (webhook) {
      expect(webhook.security).toEqual([{ webhookSignature: [] }]);
      expect(webhook.parameters).toContainEqual(expect.objectContaining({ name: 'Webhook-Signature', in: 'header', required: true }));
    }
  });

  it('declares every path parameter of every route', () => {
    for (const r of wiringRoutes) {
      const names = [...r.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
      const declared = doc.paths[r.path][r.method.toLowerCase()].parameters.filter((p: any) => p.in === 'path').map((p: any) => p.name);
      expect(declared, key(r)).toEqual(names);
    }
  });

  it('takes request bodies from the zod schemas: GenerateRequest keeps its caps and its feature discriminator', () => {
    const body = doc.paths['/v1/generations']?.post?.requestBody?.content['application/json'].schema;
    expect(body).toEqual({ $ref: '#/components/schemas/GenerateRequest' });
    const text = JSON.stringify(doc.components.schemas.GenerateRequest);
    for (const feature of ['product_description', 'seo_meta', 'image_enhancement', 'blog_post', 'website_design']) expect(text).toContain(`"const":"${feature}"`);
    expect(text).toContain('"maxLength":200');
    expect(text).toContain('"additionalProperties":false');
  });

  it('reads the ledger page size from LedgerQuery: limit 1–100, optional', () => {
    const limit = doc.paths['/v1/credits/ledger'].get.parameters.find((p: any) => p.name === 'limit');
    expect(limit).toMatchObject({ in: 'query', required: false, schema: { minimum: 1, maximum: 100, default: 50 } });
  });

  it('resolves every $ref in the document', () => {
    const refs = JSON.stringify(doc).match(/"\$ref":"[^"]+"/g) ?? [];
    expect(refs.length).toBeGreaterThan(20);
    for (const r of new Set(refs)) {
      const pointer = JSON.parse(`{${r}}`).$ref as string;
      expect(resolve(pointer), pointer).toBeDefined();
    }
  });

  it('documents the code and status of every DomainError in functions/core/errors.ts, in the error envelope', () => {
    // Every concrete subclass, built with its defaults (Conflict's default code included).
    const thrown = (Object.values(errors) as unknown[])
      .filter((C) => typeof C === 'function' && C.prototype instanceof errors.DomainError)
      .map((C) => new (C as new () => errors.DomainError)())
      .map((e) => [e.status, e.code] as const);
    expect(thrown.length).toBeGreaterThan(8);
    for (const [status, code] of thrown) {
      expect(ERROR_RESPONSES[status]?.codes, `${status} ${code}`).toContain(code);
      const response = doc.components.responses[ERROR_RESPONSES[status]!.name];
      expect(JSON.stringify(response.content['application/json'].schema), `${status} ${code}`).toContain(`"${code}"`);
    }
    expect(doc.components.schemas.Error.required).toEqual(['error']);
  });

  it('gives generation routes the RateLimit headers, and 429 a Retry-After', () => {
    const op = doc.paths['/v1/generations']?.post;
    if (!op) return;
    expect(Object.keys(op.responses['201'].headers)).toEqual(['RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset', 'RateLimit-Policy', 'RateLimit']);
    expect(Object.keys(op.responses).sort()).toEqual(['201', '400', '401', '402', '403', '409', '413', '429', '502']);
    expect(Object.keys(doc.components.responses.CooldownActive.headers)).toContain('Retry-After');
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
