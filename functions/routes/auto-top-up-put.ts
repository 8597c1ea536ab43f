import * as z from '#zod';
import { AUTO_TOP_UP, TOP_UP_PACKS } from '../config.ts';
import { AutoTopUp } from './shapes/auto-top-up.ts';
import { route } from './route.ts';

const whenEnabled = { message: 'required when enabled is true' };

/** With `enabled: true` every field is required; with `enabled: false` the ones left out keep their stored values. */
const AutoTopUpRequest = z
  .strictObject({
    enabled: z.boolean(),
    packId: z.optional(z.enum(TOP_UP_PACKS.map((p) => p.id) as [string, ...string[]])),
    thresholdCredits: z.optional(z.int().check(z.gte(1), z.lte(AUTO_TOP_UP.thresholdMax))),
    monthlyLimit: z.optional(z.int().check(z.gte(1), z.lte(AUTO_TOP_UP.monthlyLimitMax))),
  })
  .check(
    z.refine((b) => !b.enabled || b.packId !== undefined, { ...whenEnabled, path: ['packId'] }),
    z.refine((b) => !b.enabled || b.thresholdCredits !== undefined, { ...whenEnabled, path: ['thresholdCredits'] }),
    z.refine((b) => !b.enabled || b.monthlyLimit !== undefined, { ...whenEnabled, path: ['monthlyLimit'] }),
  );

export default route({
  functionId: 'auto-top-up-put',
  method: 'PUT',
  path: '/v1/credits/auto-top-up',
  auth: 'jwt',
  body: AutoTopUpRequest.clone().register(z.globalRegistry, {
    id: 'AutoTopUpRequest',
    description: `\`packId\` one of the top-up packs, \`thresholdCredits\` 1–${AUTO_TOP_UP.thresholdMax}, \`monthlyLimit\` 1–${AUTO_TOP_UP.monthlyLimitMax} auto top-ups per calendar month (UTC); all three are required with \`enabled: true\`.`,
  }),
  success: { status: 200, schema: AutoTopUp, description: 'The setting as stored, with its state.' },
  errors: ['PLAN_UPGRADE_REQUIRED'],
  summary: 'Set auto top-up (paid plans)',
  description: 'When a charge leaves `available` below `thresholdCredits`, one top-up of `packId` is requested for the saved card (`trigger: "auto"`, `topup.requested`); none while one is pending, at most `monthlyLimit` a month. Nothing is requested by this call itself.',
  tag: 'top-ups',
});
