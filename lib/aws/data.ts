/**
 * The DynamoDB tables, realised from `TABLE` and `IDEMPOTENCY_TABLE` in the wiring.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { IDEMPOTENCY_TABLE, TABLE } from '../wiring.ts';

/**
 * Key attribute types: the wiring names key attributes, not types, and the store writes every key as a
 * string (`ACCT#…`, `due#3`, ISO dates), as the local table declares them. A GSI key written with
 * another type than declared is refused by DynamoDB. If the wiring ever declares `attributeTypes`, it wins.
 */
function attr(name: string): dynamodb.Attribute {
  const declared = (TABLE as { attributeTypes?: Record<string, 'S' | 'N' | 'B'> }).attributeTypes?.[name];
  const byLetter = { S: dynamodb.AttributeType.STRING, N: dynamodb.AttributeType.NUMBER, B: dynamodb.AttributeType.BINARY };
  return { name, type: byLetter[declared ?? 'S'] };
}

type IndexSpec = (typeof TABLE.indexes)[number] & { projection?: 'ALL' | 'KEYS_ONLY' | 'INCLUDE'; include?: readonly string[] };

export class DataTables extends Construct {
  readonly table: dynamodb.Table;
  readonly idempotencyTable: dynamodb.Table;

  constructor(scope: Construct, id: string) {
    super(scope, id);

    // The ledger of money-like credits: never dropped with the stack, restorable to any second.
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: attr(TABLE.partitionKey),
      sortKey: attr(TABLE.sortKey),
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: TABLE.ttlAttribute,
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      // Retained on a stack delete, and refused by DynamoDB itself to any DeleteTable (console, CLI, a replacement).
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const index of TABLE.indexes as readonly IndexSpec[]) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: attr(index.partitionKey),
        sortKey: index.sortKey ? attr(index.sortKey) : undefined,
        projectionType: index.projection === 'KEYS_ONLY' ? dynamodb.ProjectionType.KEYS_ONLY : index.projection === 'INCLUDE' ? dynamodb.ProjectionType.INCLUDE : dynamodb.ProjectionType.ALL,
        ...(index.include ? { nonKeyAttributes: [...index.include] } : {}),
      });
    }

    // Idempotency records live a day or so, but while they live they are what stops a retried request
    // from charging twice: a table dropped or replaced under a running service would forget them.
    this.idempotencyTable = new dynamodb.Table(this, 'IdempotencyTable', {
      partitionKey: { name: IDEMPOTENCY_TABLE.partitionKey, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: IDEMPOTENCY_TABLE.ttlAttribute,
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}
