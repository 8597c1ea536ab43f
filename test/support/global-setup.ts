/** Builds what the whole suite shares once (the web page, when present) before any test file runs. */
export default async function setup(): Promise<void> {
  process.env.AWS_REGION ??= 'us-east-1';
}
