/**
 * A deterministic generator of wide events, for the query integration tests and `bench/query`: one
 * local-root span per request or WebSocket session, with the fields people slice by (route, colo,
 * user tier, message type, hash mismatches, payload size, cache hits, version, sample rate) and
 * patterns to find: colo `sin` is slow, `/api/cart` fails more, and after `regressAfter` (a fraction
 * of the time range) `/api/orders` gets four times slower. Output is OTLP/JSON, one TracesData per
 * batch — what an SDK posts and what the Collector's file exporter writes, one per line.
 */

/** One generated event, as the tests check it. */
export interface WideEvent {
  traceId: string;
  spanId: string;
  service: string;
  name: string;
  route: string;
  colo: string;
  tier: string;
  messageType: string;
  hashMismatchCount: number;
  payloadKb: number;
  cacheHit: boolean;
  version: string;
  sampleRate: number;
  error: boolean;
  startMs: number;
  durationMs: number;
  /** A child span in the same service (not a wide event) when true. */
  child: boolean;
}

/** Options for {@link generateWideEvents}. */
export interface WideEventOptions {
  count: number;
  startMs: number;
  endMs: number;
  /** Services, each with its own name (default `api`, `ws`, `jobs`, `web`). */
  services?: readonly string[];
  seed?: number;
  /** Seeds the trace and span ids apart from the values, so runs with the same values get new ids. */
  idSeed?: number;
  /** Fraction of the range after which `/api/orders` is 4× slower. Default: never. */
  regressAfter?: number;
  /** Fraction of events that get a child span. Default 0. */
  children?: number;
}

const ROUTES = ['/api/orders', '/api/items', '/api/users/:id', '/health', '/api/cart'];
const COLOS = ['ewr', 'lhr', 'fra', 'sin', 'iad', 'nrt'];
const TIERS = ['free', 'pro', 'enterprise'];
const MESSAGES = ['order.status', 'cart.update', 'ping', 'presence'];

function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The events, in time order. */
export function generateWideEvents(options: WideEventOptions): WideEvent[] {
  const rand = prng(options.seed ?? 42);
  const idRand = prng(options.idSeed ?? options.seed ?? 42);
  const pick = <T>(list: readonly T[]) => list[Math.floor(rand() * list.length)]!;
  const hex = (n: number) => Array.from({ length: n }, () => '0123456789abcdef'[Math.floor(idRand() * 16)]).join('');
  const services = options.services ?? ['api', 'ws', 'jobs', 'web'];
  const span = options.endMs - options.startMs;
  return Array.from({ length: options.count }, (_, i) => {
    const service = services[i % services.length]!;
    const route = pick(ROUTES);
    const colo = pick(COLOS);
    const at = i / options.count;
    const slow = colo === 'sin' && rand() < 0.5;
    const regressed = options.regressAfter !== undefined && at >= options.regressAfter && route === '/api/orders';
    const durationMs =
      Math.round(Math.exp(Math.log(20) + rand() * 1.5) * (slow ? 8 : 1) * (regressed ? 4 : 1) * 1000) / 1000;
    return {
      traceId: hex(32),
      spanId: hex(16),
      service,
      name: service === 'ws' ? 'ws session' : `GET ${route}`,
      route,
      colo,
      tier: pick(TIERS),
      messageType: pick(MESSAGES),
      hashMismatchCount: rand() < 0.1 ? 1 + Math.floor(rand() * 4) : 0,
      payloadKb: Math.round(rand() * 1000) / 10,
      cacheHit: rand() < 0.7,
      version: at < 0.5 ? '1.4.2' : '1.5.0',
      sampleRate: route === '/health' ? 20 : rand() < 0.5 ? 5 : 1,
      error: rand() < (route === '/api/cart' ? 0.1 : 0.01),
      startMs: options.startMs + Math.floor(at * span),
      durationMs,
      child: rand() < (options.children ?? 0),
    };
  });
}

type Value = string | number | boolean;
const attr = (key: string, v: Value) =>
  typeof v === 'string'
    ? { key, value: { stringValue: v } }
    : typeof v === 'boolean'
      ? { key, value: { boolValue: v } }
      : Number.isInteger(v)
        ? { key, value: { intValue: String(v) } }
        : { key, value: { doubleValue: v } };
const nanos = (ms: number) => `${BigInt(Math.round(ms * 1000)) * 1000n}`;

/** The OTLP/JSON span of an event, and its child when it has one. */
function otlpSpans(e: WideEvent) {
  const root = {
    traceId: e.traceId,
    spanId: e.spanId,
    name: e.name,
    kind: 2,
    startTimeUnixNano: nanos(e.startMs),
    endTimeUnixNano: nanos(e.startMs + e.durationMs),
    attributes: [
      attr('http.route', e.route),
      attr('http.request.method', 'GET'),
      attr('http.response.status_code', e.error ? 500 : 200),
      attr('colo', e.colo),
      attr('user.tier', e.tier),
      attr('messageType', e.messageType),
      attr('hashMismatchCount', e.hashMismatchCount),
      attr('payload.kb', e.payloadKb),
      attr('cache.hit', e.cacheHit),
      attr('app.version', e.version),
      attr('wideline.sample_rate', e.sampleRate),
    ],
    status: e.error ? { code: 2, message: 'upstream failed' } : {},
  };
  if (!e.child) return [root];
  const child = {
    traceId: e.traceId,
    spanId: `${e.spanId.slice(0, 15)}${e.spanId.endsWith('f') ? 'e' : 'f'}`,
    parentSpanId: e.spanId,
    name: 'db.query',
    kind: 3,
    startTimeUnixNano: nanos(e.startMs + 0.1),
    endTimeUnixNano: nanos(e.startMs + e.durationMs / 2),
    attributes: [attr('db.system', 'postgresql')],
    status: {},
  };
  return [root, child];
}

/** OTLP/JSON TracesData bodies of at most `batch` events each, one resource per service. */
export function* otlpBatches(events: readonly WideEvent[], batch = 1000): Generator<{ resourceSpans: unknown[] }> {
  for (let i = 0; i < events.length; i += batch) {
    const byService = new Map<string, unknown[]>();
    for (const e of events.slice(i, i + batch)) {
      const list = byService.get(e.service) ?? [];
      list.push(...otlpSpans(e));
      byService.set(e.service, list);
    }
    yield {
      resourceSpans: [...byService].map(([service, spans]) => ({
        resource: { attributes: [attr('service.name', service), attr('deployment.environment', 'test')] },
        scopeSpans: [{ scope: { name: '@wideline/testkit' }, spans }],
      })),
    };
  }
}
