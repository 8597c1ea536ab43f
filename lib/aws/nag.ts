/**
 * cdk-nag (AwsSolutions) acknowledgments. Each names one finding as narrowly as cdk-nag allows and
 * says why it is accepted; they sit beside the resource that causes them, except those on constructs
 * CDK creates on its own (the BucketDeployment handler), which are here.
 */
import { Stack, Validations } from 'aws-cdk-lib';
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference.js';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { IConstruct } from 'constructs';

export function acknowledge(scope: IConstruct, id: string, reason: string): void {
  Validations.of(scope).acknowledge({ id, reason });
}

/** How cdk-nag spells a (tokenised) value in a finding id, e.g. `<DataTable1234.Arn>/index/*`. */
export function nagValue(scope: IConstruct, value: string): string {
  return flattenCfnReference(Stack.of(scope).resolve(value));
}

/** A bucket's or table's ARN as cdk-nag spells it. */
export function nagArn(resource: IConstruct & ({ bucketArn: string } | { tableArn: string })): string {
  return nagValue(resource, 'bucketArn' in resource ? resource.bucketArn : resource.tableArn);
}

/** The singleton Lambda behind every s3-deployment BucketDeployment in the stack. */
export function acknowledgeBucketDeploymentHandler(stack: Stack, destinations: IBucket[]): void {
  const handlers = stack.node.children.filter((c) => c.node.id.startsWith('Custom::CDKBucketDeployment'));
  for (const handler of handlers) {
    const why = 'CDK-owned BucketDeployment handler that copies the built web page into its bucket at deploy time; its code, runtime and role are set by aws-cdk-lib';
    acknowledge(handler, 'AwsSolutions-L1', `${why}: the Python runtime is CDK's choice and only runs during deploys.`);
    acknowledge(handler, 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]', `${why}: it only writes its own logs.`);
    for (const action of ['s3:GetObject*', 's3:GetBucket*', 's3:List*', 's3:DeleteObject*', 's3:Abort*']) {
      acknowledge(handler, `AwsSolutions-IAM5[Action::${action}]`, `${why}: the grant covers only the CDK asset bucket and the web bucket.`);
    }
    acknowledge(handler, 'AwsSolutions-IAM5[Resource::*]', `${why}: cloudfront:CreateInvalidation has no resource-level scoping in CDK's grant.`);
    acknowledge(
      handler,
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*]',
      `${why}: it reads the zipped page from the CDK bootstrap asset bucket.`,
    );
    for (const bucket of destinations) {
      acknowledge(handler, `AwsSolutions-IAM5[Resource::${nagArn(bucket)}/*]`, `${why}: it writes and prunes the page's objects.`);
    }
  }
}
