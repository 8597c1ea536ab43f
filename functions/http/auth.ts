/**
 * The caller, from the claims the JWT authorizer verified (API Gateway in AWS, the local server locally).
 * The account always comes from the token, never from the request.
 */
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { Forbidden, Unauthorized } from '../core/errors.ts';

export interface Caller {
  sub: string;
  accountId: string;
  scopes: string[];
}

export function callerOf(event: Partial<APIGatewayProxyEventV2WithJWTAuthorizer>): Caller {
  const claims = event.requestContext?.authorizer?.jwt?.claims ?? {};
  const sub = claims.sub;
  const accountId = claims.account_id;
  if (typeof sub !== 'string' || typeof accountId !== 'string' || !sub || !accountId) {
    throw new Unauthorized('The token must carry sub and account_id claims.');
  }
  const scope = claims.scope;
  const scopes = typeof scope === 'string' ? scope.split(' ').filter(Boolean) : Array.isArray(scope) ? scope.map(String) : [];
  return { sub, accountId, scopes };
}

export function requireScope(caller: Caller, scope: string): void {
  if (!caller.scopes.includes(scope)) throw new Forbidden(`This route needs the ${scope} scope.`);
}
