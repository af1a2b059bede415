/**
 * Every attribute name Wideline writes or reads, in one module: OpenTelemetry semantic conventions
 * and Wideline's own names (everything under `wideline.*`), so that writers (the runtime packages)
 * and readers (`@wideline/query`) agree: `import { ATTR_HTTP_REQUEST_METHOD, SAGA } from
 * '@wideline/core/conventions'`.
 *
 * Stable OpenTelemetry names come from `@opentelemetry/semantic-conventions` (constants, which a
 * bundler inlines and tree-shakes: importing them costs nothing). Names still in development
 * ("incubating") are copied here once, with the same constant names, instead of importing
 * `@opentelemetry/semantic-conventions/incubating`: that entry point may change or drop them in any
 * minor release. A CLI can import this module without loading the OpenTelemetry SDK.
 *
 * @module
 */

export {
  ATTR_CLIENT_ADDRESS,
  ATTR_DB_NAMESPACE,
  ATTR_DB_OPERATION_BATCH_SIZE,
  ATTR_DB_OPERATION_NAME,
  ATTR_DB_QUERY_TEXT,
  ATTR_DB_SYSTEM_NAME,
  ATTR_DEPLOYMENT_ENVIRONMENT_NAME,
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_REQUEST_METHOD_ORIGINAL,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_RPC_METHOD,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_SERVICE_NAME,
  ATTR_SERVICE_VERSION,
  ATTR_TELEMETRY_SDK_LANGUAGE,
  ATTR_URL_FULL,
  ATTR_URL_PATH,
  ATTR_URL_QUERY,
  ATTR_URL_SCHEME,
  ATTR_USER_AGENT_ORIGINAL,
} from '@opentelemetry/semantic-conventions';

// Incubating names, as `@opentelemetry/semantic-conventions/incubating` 1.45 spells them.
// `rpc.system` and `rpc.service` are deprecated there (for `rpc.system.name` and a fully qualified
// `rpc.method`); Wideline still writes them, and `@wideline/query` reads them.

export const ATTR_BROWSER_LANGUAGE = 'browser.language' as const;
export const ATTR_ERROR_MESSAGE = 'error.message' as const;
export const ATTR_FAAS_CRON = 'faas.cron' as const;
/** Not in the JS package; the semantic conventions define it for timer triggers (ISO 8601). */
export const ATTR_FAAS_TIME = 'faas.time' as const;
export const ATTR_FAAS_TRIGGER = 'faas.trigger' as const;
export const ATTR_HTTP_RESPONSE_BODY_SIZE = 'http.response.body.size' as const;
export const ATTR_MESSAGING_BATCH_MESSAGE_COUNT = 'messaging.batch.message_count' as const;
export const ATTR_MESSAGING_CONSUMER_GROUP_NAME = 'messaging.consumer.group.name' as const;
export const ATTR_MESSAGING_DESTINATION_NAME = 'messaging.destination.name' as const;
export const ATTR_MESSAGING_MESSAGE_BODY_SIZE = 'messaging.message.body.size' as const;
export const ATTR_MESSAGING_MESSAGE_CONVERSATION_ID = 'messaging.message.conversation_id' as const;
export const ATTR_MESSAGING_MESSAGE_ID = 'messaging.message.id' as const;
export const ATTR_MESSAGING_OPERATION_NAME = 'messaging.operation.name' as const;
export const ATTR_MESSAGING_OPERATION_TYPE = 'messaging.operation.type' as const;
export const ATTR_MESSAGING_SYSTEM = 'messaging.system' as const;
export const ATTR_NETWORK_CONNECTION_SUBTYPE = 'network.connection.subtype' as const;
export const ATTR_RPC_SERVICE = 'rpc.service' as const;
export const ATTR_RPC_SYSTEM = 'rpc.system' as const;
export const ATTR_SESSION_ID = 'session.id' as const;
export const ATTR_URL_TEMPLATE = 'url.template' as const;

/** The sampling weight of a kept span: how many units it stands for (`1 / probability`; absent means 1). */
export const SAMPLE_RATE_ATTRIBUTE = 'wideline.sample_rate';
/** Why the tail sampler kept a unit: `forced`, `error`, `slow`, `predicate` or `probability`. */
export const SAMPLING_REASON_ATTRIBUTE = 'wideline.sampling.reason';
/** On a span link: what the link means (see {@link LINK_TYPES}). */
export const LINK_TYPE_ATTRIBUTE = 'wideline.link.type';

/**
 * On the local root of a unit that starts a trace of its own, linked to the trace that caused it (a
 * job's retry, a delayed or repeatable job): the trace id of the creation context. A reader finds
 * these units from the originating trace by this attribute, since Jaeger cannot search span links.
 */
export const ORIGIN_TRACE_ATTRIBUTE = 'wideline.origin.trace_id';

/**
 * {@link LINK_TYPES}`.candidateParent` and `.likelyParent` by themselves: the browser's only link types,
 * which a page's bundle then carries without the others.
 */
export const LINK_TYPE_CANDIDATE_PARENT = 'candidate_parent';
export const LINK_TYPE_LIKELY_PARENT = 'likely_parent';

/** Values of {@link LINK_TYPE_ATTRIBUTE}. */
export const LINK_TYPES = {
  /** From a consumer span that starts a new trace to the context that created its message/job. */
  creation: 'creation',
  /** From a retry (or a re-picked stalled job) to the previous attempt's span. */
  previousAttempt: 'previous_attempt',
  /** From a parent job's process span to a child job's span. */
  child: 'child',
  /** From a batch send span to each message's create span. */
  create: 'create',
  /** From a compensation to the step span it undoes. */
  compensates: 'compensates',
  /** From a compensation to the step whose failure triggered it. */
  failedStep: 'failed_step',
  /**
   * From a span left without a parent to each span that could have been its parent (the browser:
   * overlapping interactions); {@link LINK_REASON_ATTRIBUTE} says why none was chosen.
   */
  candidateParent: LINK_TYPE_CANDIDATE_PARENT,
  /** From a span left without a parent to the one it most likely belongs to (the browser: after idle). */
  likelyParent: LINK_TYPE_LIKELY_PARENT,
} as const;

/** On a `candidate_parent` / `likely_parent` link: why the span has no parent (`overlapping_activities`, `after_idle`). */
export const LINK_REASON_ATTRIBUTE = 'wideline.link.reason';

/** Saga attributes, written on step and compensation spans and on the saga's root. */
export const SAGA = {
  name: 'wideline.saga.name',
  id: 'wideline.saga.id',
  /** `step` or `compensation`. */
  role: 'wideline.saga.role',
  step: 'wideline.saga.step',
  stepIndex: 'wideline.saga.step_index',
  compensates: 'wideline.saga.compensates',
  failedStep: 'wideline.saga.failed_step',
  reason: 'wideline.saga.reason',
  /** `completed`, `compensated`, `compensation_failed` or `interrupted`. */
  outcome: 'wideline.saga.outcome',
  /** On an interrupted saga: the step (or compensation) whose outcome could not be established. */
  pendingStep: 'wideline.saga.pending_step',
  /** On a step or compensation run as a BullMQ job: that job's id (stable per saga, step and role). */
  jobId: 'wideline.saga.job_id',
  /** True when the step's job already existed: this run read its outcome instead of adding it. */
  replayed: 'wideline.saga.replayed',
} as const;

/** Where the local stack's Jaeger UI listens: the default of every `jaegerUiUrl`. */
export const DEFAULT_JAEGER_UI_URL = 'http://localhost:16686';

/** The Jaeger UI address of a trace. */
export function jaegerTraceUrl(traceId: string, jaegerUiUrl = DEFAULT_JAEGER_UI_URL): string {
  return `${jaegerUiUrl.replace(/\/$/, '')}/trace/${traceId}`;
}
