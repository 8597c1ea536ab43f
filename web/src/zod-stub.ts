/**
 * The web build resolves `#zod` (functions/zod.ts) here (see vite.config.ts). The page imports the plan, feature and pack
 * tables from `functions/config.ts`, which also declares the server's environment schema at module
 * scope; the browser never parses the environment, so any chain of zod calls may yield this inert stub.
 */
type Stub = ((...args: unknown[]) => Stub) & { [key: string]: Stub };

const stub: Stub = new Proxy((() => stub) as unknown as Stub, {
  get: () => stub,
  apply: () => stub,
});

export const z = stub;
export default stub;
// `functions/config.ts` imports zod/mini as a namespace (`import * as z from '#zod'`, which lets the
// functions' bundles tree-shake zod's locales): the names it calls at module scope.
export {
  stub as object,
  stub as string,
  stub as coerce,
  stub as enum,
  stub as iso,
  stub as optional,
  stub as _default,
  stub as minLength,
  stub as url,
  stub as int,
  stub as positive,
  stub as gte,
  stub as lte,
  stub as pick,
};
