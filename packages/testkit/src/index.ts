export { CHROMIUM_ARGS, CHROMIUM_PATH, chromiumLaunchOptions } from './chromium.ts';
export { fetchTrace, flattenOtlp, type StoredSpan, waitForTrace } from './jaeger.ts';
export { randomSpanId, randomTraceId, type SpanToWrite, writeSpans } from './otlp.ts';
export { freePort } from './ports.ts';
export {
  CONTINUED_MARKER,
  documentationFiles,
  FRAGMENT_MARKER,
  isContinued,
  isFragment,
  readSnippets,
  type Snippet,
  type SnippetModule,
  snippetModules,
} from './snippets.ts';
export { type Envelope, eventOf, type ReadOptions, readEnvelopes, waitForEnvelope } from './spotlight.ts';
export { JAEGER_QUERY_URL, OTLP_URL, requireStack, SPOTLIGHT_URL } from './stack.ts';
export {
  killStackService,
  type PrivateStack,
  pauseStackService,
  privateStack,
  REPO_ROOT,
  restartStackService,
  resumeStackService,
  runStackCli,
  type StackCliResult,
  type StackService,
  startStackService,
} from './stack-control.ts';
export {
  checkPropagation,
  type RawHeader,
  type ReceivedHeaders,
  W3C_PARENT_ID,
  W3C_TRACE_ID,
  type W3CCase,
} from './w3c-case.ts';
export { W3C_CASES } from './w3c-cases.ts';
export { type CallbackServer, sendRaw, startCallbackServer } from './w3c-harness.ts';
export { generateWideEvents, otlpBatches, type WideEvent, type WideEventOptions } from './wide-events.ts';
export {
  type RunningWorker,
  startWranglerDev,
  type WranglerDevArgs,
  wranglerDevArgs,
  wranglerEnv,
} from './wrangler.ts';
