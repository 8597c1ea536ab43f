import { S3UploadStore } from '../adapters/uploads-s3.ts';
import type { Port } from './compose.ts';

/** Merchants' uploads and the enhanced results (S3; s3rver locally). */
export const uploads: Port<'uploads'> = {
  name: 'uploads',
  provides: ['uploads'],
  env: ['UPLOAD_BUCKET', 'S3_ENDPOINT'],
  access: ['uploads:put', 'uploads:read', 'results:read', 'results:write', 'selected:read', 'selected:write'],
  build: (env) => ({ uploads: S3UploadStore.fromEnv(env) }),
};
