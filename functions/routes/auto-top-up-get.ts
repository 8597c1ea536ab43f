import { AutoTopUp } from './shapes/auto-top-up.ts';
import { route } from './route.ts';

export default route({
  functionId: 'auto-top-up-get',
  method: 'GET',
  path: '/v1/credits/auto-top-up',
  auth: 'jwt',
  success: { status: 200, schema: AutoTopUp, description: 'The setting and its state; `{ "enabled": false, … }` until one is stored. Any plan may read it.' },
  summary: "The caller's auto top-up setting",
  tag: 'top-ups',
});
