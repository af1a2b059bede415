/** Where the local stack listens, and a loud check that it is there. */
export const JAEGER_QUERY_URL = process.env.WIDELINE_JAEGER_QUERY_URL ?? 'http://localhost:16686';
export const OTLP_URL = process.env.WIDELINE_OTLP_URL ?? 'http://localhost:4318';
export const SPOTLIGHT_URL = process.env.WIDELINE_SPOTLIGHT_URL ?? 'http://localhost:8969';

async function answers(url: string): Promise<boolean> {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(2000) })).ok;
  } catch {
    return false;
  }
}

/** Throws, naming the fix, when Jaeger or Spotlight is not answering. */
export async function requireStack(): Promise<void> {
  const missing: string[] = [];
  if (!(await answers(`${JAEGER_QUERY_URL}/api/v3/services`))) missing.push(`Jaeger (${JAEGER_QUERY_URL})`);
  if (!(await answers(`${SPOTLIGHT_URL}/health`))) missing.push(`Spotlight (${SPOTLIGHT_URL})`);
  if (missing.length > 0) {
    throw new Error(
      `The local stack is not running: ${missing.join(', ')} did not answer. Start it with: pnpm stack up`,
    );
  }
}
