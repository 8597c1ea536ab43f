/**
 * Stands in for the SDK's default credential chain (`@aws-sdk/credential-provider-node`) and its bearer
 * token chain (`@aws-sdk/token-providers`, which only the Bedrock client imports) in the bundles: the
 * aliases in lib/bundling.ts. Every client in functions/ is given the role's credentials explicitly
 * (aws-credentials.ts) and signs with SigV4, so the SDK never calls either chain; a client built without
 * them fails on its first request with this message instead of searching SSO, profiles and instance
 * metadata.
 */
const unbundled = (what: string) => () => async (): Promise<never> => {
  throw new Error(`${what} is not bundled: give the AWS SDK client \`credentials: roleCredentials\` (functions/adapters/aws-credentials.ts), which signs with the role's credentials from the environment`);
};

/** `@aws-sdk/credential-provider-node`'s export that the clients' runtime configs import. */
export const defaultProvider = unbundled('The default credential chain');
/** `@aws-sdk/token-providers`' exports that the Bedrock client's runtime config imports. */
export const fromEnvSigningName = unbundled('The bearer token from AWS_BEARER_TOKEN_BEDROCK');
export const nodeProvider = unbundled('The default bearer token chain');
