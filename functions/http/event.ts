/**
 * The API Gateway event as the HTTP middleware chain carries it, and the result it answers with. Their
 * own module: the composition (whose idempotency middleware sees them) and the handler factory (which
 * takes a composition) both import these, so neither imports the other for a type.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

export type HttpResult = APIGatewayProxyStructuredResultV2;

/** What the middlewares add to the event: the idempotency record's scope and payload, the parsed input. */
export type Event = APIGatewayProxyEventV2 & { idempotencyScope?: string | null; idempotencyPayload?: unknown; parsed?: unknown };
