import { Catalog } from './shapes/catalog.ts';
import { route } from './route.ts';

export default route({
  functionId: 'catalog-get',
  method: 'GET',
  path: '/v1/catalog',
  auth: 'jwt',
  success: { status: 200, schema: Catalog, description: 'The catalog of the configuration module.' },
  summary: 'Plans, features and packs: labels, costs, variant counts, what each plan may do',
  tag: 'credits',
});
