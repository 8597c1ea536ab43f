/**
 * Local bearer tokens: an ES256 key pair kept under the data directory (or in memory for tests),
 * signing tokens with the claims API Gateway's JWT authorizer would pass on (`sub`, `account_id`,
 * `scope`). Verification refuses `alg: none`, other algorithms, bad signatures and expired tokens,
 * against the service clock.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { exportJWK, generateKeyPair, importJWK, jwtVerify, SignJWT, type JWTPayload, type CryptoKey, type KeyObject } from 'jose';
import { serviceClock } from '../../functions/core/clock.ts';

export const LOCAL_ISSUER = 'https://auth.local.ai-credits';
export const LOCAL_AUDIENCE = 'ai-credits';
const ALG = 'ES256';

type Key = CryptoKey | KeyObject | Uint8Array;

export interface LocalKeys {
  sign(claims: { accountId: string; sub?: string; scopes?: string[] }, ttlSeconds?: number): Promise<string>;
  verify(token: string): Promise<JWTPayload>;
}

async function loadOrCreate(file?: string): Promise<{ privateKey: Key; publicKey: Key }> {
  if (file && existsSync(file)) {
    const { privateJwk, publicJwk } = JSON.parse(readFileSync(file, 'utf8'));
    return { privateKey: await importJWK(privateJwk, ALG), publicKey: await importJWK(publicJwk, ALG) };
  }
  const pair = await generateKeyPair(ALG, { extractable: true });
  if (file) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify({ privateJwk: await exportJWK(pair.privateKey), publicJwk: await exportJWK(pair.publicKey) }), { mode: 0o600 });
  }
  return pair;
}

export async function localKeys(file?: string): Promise<LocalKeys> {
  const { privateKey, publicKey } = await loadOrCreate(file);
  return {
    async sign({ accountId, sub, scopes }, ttlSeconds = 12 * 3600) {
      const now = Math.floor(serviceClock.now().getTime() / 1000);
      return new SignJWT({ account_id: accountId, scope: (scopes ?? []).join(' ') })
        .setProtectedHeader({ alg: ALG, typ: 'JWT' })
        .setSubject(sub ?? `user_${accountId}`)
        .setIssuer(LOCAL_ISSUER)
        .setAudience(LOCAL_AUDIENCE)
        .setIssuedAt(now)
        .setExpirationTime(now + ttlSeconds)
        .sign(privateKey);
    },
    async verify(token) {
      const { payload } = await jwtVerify(token, publicKey, {
        issuer: LOCAL_ISSUER,
        audience: LOCAL_AUDIENCE,
        algorithms: [ALG],
        currentDate: serviceClock.now(),
      });
      return payload;
    },
  };
}
