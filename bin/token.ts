/**
 * `npm run token -- <accountId> [scope ...]`: prints a bearer token for the local stack, signed with
 * the local key pair kept in `.data/` (the same one `npm start` verifies with).
 */
import { join } from 'node:path';
import { localKeys } from '../lib/local/tokens.ts';
import { ROOT } from '../lib/local/stack.ts';

const [accountId, ...scopes] = process.argv.slice(2);
if (!accountId) {
  console.error('usage: npm run token -- <accountId> [scope ...]   e.g. npm run token -- acct_demo credits:admin');
  process.exit(2);
}
const keys = await localKeys(join(ROOT, '.data', 'jwt-keys.json'));
console.log(await keys.sign({ accountId, scopes }));
