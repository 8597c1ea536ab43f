/**
 * The merchant web page: a private bucket behind CloudFront (origin access control), filled from
 * `web/dist` when it has been built, plus a `config.json` that tells the page where the API is.
 */
import * as fs from 'node:fs';
import { Annotations, Duration, Stack } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { acknowledge, acknowledgeBucketDeploymentHandler } from './nag.ts';

export interface WebSiteProps {
  /** Absolute path of the built page; skipped with a warning when it does not exist. */
  distDir: string;
  /** Receives S3 server access logs and CloudFront standard logs. */
  logBucket: s3.IBucket;
  logRetention: logs.RetentionDays;
}

export class WebSite extends Construct {
  readonly bucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;
  /** `https://<id>.cloudfront.net`, for CORS on the API and the uploads bucket. */
  readonly origin: string;
  private readonly deployLogs: logs.LogGroup;

  constructor(scope: Construct, id: string, private readonly props: WebSiteProps) {
    super(scope, id);

    this.bucket = new s3.Bucket(this, 'Bucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      serverAccessLogsBucket: props.logBucket,
      serverAccessLogsPrefix: 'web-bucket/',
    });

    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        responseHeadersPolicy: cloudfront.ResponseHeadersPolicy.SECURITY_HEADERS,
      },
      defaultRootObject: 'index.html',
      // A single-page app: unknown paths are the app's own routes.
      errorResponses: [403, 404].map((httpStatus) => ({
        httpStatus,
        responseHttpStatus: 200,
        responsePagePath: '/index.html',
        ttl: Duration.minutes(1),
      })),
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
      enableLogging: true,
      logBucket: props.logBucket,
      logFilePrefix: 'cloudfront/',
    });
    acknowledge(
      this.distribution,
      'AwsSolutions-CFR4',
      'Served on the default *.cloudfront.net certificate, whose TLS policy CloudFront fixes; a custom domain with an ACM certificate and TLSv1.2_2021 is the remedy when the stage gets one.',
    );
    acknowledge(this.distribution, 'AwsSolutions-CFR1', 'Merchants sign in from any country; no market is excluded.');
    acknowledge(
      this.distribution,
      'AwsSolutions-CFR2',
      'Serves static files only, from a private bucket; the API it talks to has its own stage throttling and JWT authorizer. A WAF web ACL is a cost to add per stage when abuse shows up.',
    );
    this.origin = `https://${this.distribution.distributionDomainName}`;
    this.deployLogs = new logs.LogGroup(this, 'DeployLogs', { retention: props.logRetention });
  }

  /** Uploads the page (when built) and its `config.json`; call once the API URL is known. */
  publish(config: { apiUrl: string }): void {
    const common = {
      destinationBucket: this.bucket,
      distribution: this.distribution,
      logGroup: this.deployLogs,
    };
    if (fs.existsSync(this.props.distDir)) {
      new s3deploy.BucketDeployment(this, 'Assets', {
        ...common,
        sources: [s3deploy.Source.asset(this.props.distDir)],
        // config.json is the other deployment's: pruning must not delete it.
        exclude: ['config.json'],
        distributionPaths: ['/*'],
      });
    } else {
      Annotations.of(this).addWarningV2(
        'ai-credits:web-dist-missing',
        `${this.props.distDir} does not exist: the web page is not deployed (build it first, then deploy again).`,
      );
    }
    new s3deploy.BucketDeployment(this, 'Config', {
      ...common,
      sources: [s3deploy.Source.jsonData('config.json', config)],
      prune: false,
      // Read on every page load: it must follow a redeploy at once.
      cacheControl: [s3deploy.CacheControl.noCache()],
      distributionPaths: ['/config.json'],
    });
    acknowledgeBucketDeploymentHandler(Stack.of(this), [this.bucket]);
  }
}
