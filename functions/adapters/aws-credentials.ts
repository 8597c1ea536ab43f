/**
 * The credentials every AWS SDK client in functions/ signs with: the function role's, which Lambda puts
 * in the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN) before the cold
 * start. The SDK's default chain would find them there first too; naming the source explicitly lets the
 * bundle leave the rest of the chain out (SSO, STS, INI files, IMDS and their nested clients, ~150 KB of
 * every bundle): lib/bundling.ts aliases `@aws-sdk/credential-provider-node` to a stub that throws
 * (no-credential-chain.ts). The local stack hands its workers credentials the same way (lib/local/env.ts).
 */
import { fromEnv } from '@aws-sdk/credential-provider-env';

/** One provider for all clients; it reads the environment when a client first signs. */
export const roleCredentials = fromEnv();
