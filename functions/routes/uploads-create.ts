import * as z from '#zod';
import { UploadRequest } from '../core/schemas.ts';
import { Upload } from './shapes/generations.ts';
import { route } from './route.ts';

export default route({
  functionId: 'uploads-create',
  method: 'POST',
  path: '/v1/uploads',
  auth: 'jwt',
  body: UploadRequest.clone().register(z.globalRegistry, { id: 'UploadRequest' }),
  success: { status: 201, schema: Upload, description: 'PUT the file to `uploadUrl` before `expiresAt`.' },
  errors: ['PLAN_UPGRADE_REQUIRED', 'CONFLICT', 'LIMIT_REACHED'],
  summary: 'Get a presigned URL to upload a product photo',
  tag: 'uploads',
});
