/**
 * Stands in for `@smithy/core/event-streams` in the bundles (the alias in lib/bundling.ts). Event
 * streams carry the SDK's streaming operations (Bedrock's ConverseStream and
 * InvokeModelWithResponseStream, S3's SelectObjectContent); functions/ calls none of them, yet every
 * client's protocol imports the module (~14 KB of every bundle). The exports the bundled SDK code
 * imports are here: the config resolver and the payload handler's codec are built with each client and
 * stay inert; anything that would encode or decode an event stream throws, naming what is missing.
 */
const unbundled = (what: string): never => {
  throw new Error(`${what}: event streams are not bundled (lib/bundling.ts aliases @smithy/core/event-streams); no operation used here streams`);
};

/** The client's config step. The real one asks the provider for a marshaller now; here none is made. */
export const resolveEventStreamSerdeConfig = <T extends object>(input: T): T => input;

export const eventStreamSerdeProvider = (): never => unbundled('eventStreamSerdeProvider');

/** Built by the Bedrock client's event-stream payload handler at construction, used only by a stream. */
export class EventStreamCodec {
  encode(): never {
    return unbundled('EventStreamCodec.encode');
  }
  decode(): never {
    return unbundled('EventStreamCodec.decode');
  }
}

export class EventStreamSerde {
  constructor() {
    unbundled('EventStreamSerde');
  }
}

export const iterableToReadableStream = (): never => unbundled('iterableToReadableStream');
export const readableStreamToIterable = (): never => unbundled('readableStreamToIterable');
