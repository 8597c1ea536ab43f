import { TopUpPacks } from './shapes/packs.ts';
import { route } from './route.ts';

export default route({
  functionId: 'top-up-packs-get',
  method: 'GET',
  path: '/v1/credits/top-up-packs',
  auth: 'jwt',
  success: { status: 200, schema: TopUpPacks, description: 'The packs.' },
  summary: 'Credit packs on sale',
  tag: 'top-ups',
});
