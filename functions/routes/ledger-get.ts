import { LedgerQuery } from '../core/requests.ts';
import { LedgerPage } from './shapes/ledger.ts';
import { route } from './route.ts';

export default route({
  functionId: 'ledger-get',
  method: 'GET',
  path: '/v1/credits/ledger',
  auth: 'jwt',
  query: LedgerQuery,
  success: { status: 200, schema: LedgerPage, description: 'A page of ledger entries.' },
  summary: 'Usage history, newest first',
  tag: 'credits',
});
