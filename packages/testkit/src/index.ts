export { CHROMIUM_ARGS, CHROMIUM_PATH, chromiumLaunchOptions } from './chromium.ts';
export { fetchTrace, flattenOtlp, type StoredSpan, waitForTrace } from './jaeger.ts';
export { freePort } from './ports.ts';
export { type Envelope, eventOf, type ReadOptions, readEnvelopes, waitForEnvelope } from './spotlight.ts';
export { JAEGER_QUERY_URL, OTLP_URL, requireStack, SPOTLIGHT_URL } from './stack.ts';
export {
  killStackService,
  type PrivateStack,
  privateStack,
  REPO_ROOT,
  restartStackService,
  runStackCli,
  type StackCliResult,
  type StackService,
  startStackService,
} from './stack-control.ts';
export {
  type RunningWorker,
  startWranglerDev,
  type WranglerDevArgs,
  wranglerDevArgs,
  wranglerEnv,
} from './wrangler.ts';
