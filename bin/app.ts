/**
 * The CDK app: `npx cdk synth` / `npx cdk deploy -c stage=... -c jwtIssuer=... -c jwtAudience=...`.
 * cdk-nag's AwsSolutions pack runs on every synth; an unacknowledged error fails it.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CreditsStack } from '#lib/aws/credits-stack.ts';
import { settingsFromContext } from '#lib/aws/settings.ts';

const app = new App();
const settings = settingsFromContext(app.node);
new CreditsStack(app, `ai-credits-${settings.stage}`, {
  settings,
  description: `AI Credits service (${settings.stage})`,
  tags: { service: 'ai-credits', stage: settings.stage },
});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
