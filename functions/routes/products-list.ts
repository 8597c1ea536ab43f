import { pageQuery } from './shapes/common.ts';
import { ProductPage } from './shapes/jobs.ts';
import { route } from './route.ts';

export default route({
  functionId: 'products-list',
  method: 'GET',
  path: '/v1/products',
  auth: 'jwt',
  query: pageQuery(50, 200),
  success: { status: 200, schema: ProductPage, description: 'The account’s products that have stored content (description, SEO, image), by product id: the catalogue view merges them with its own list.' },
  summary: 'Products with stored content',
  tag: 'products',
});
