export { fetchTrace, flattenOtlp, type StoredSpan, waitForTrace } from './jaeger';
export { type Envelope, eventOf, waitForEnvelope } from './spotlight';
export { JAEGER_QUERY_URL, OTLP_URL, requireStack, SPOTLIGHT_URL } from './stack';
