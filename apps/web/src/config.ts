/**
 * The page's configuration: `window.__WIDELINE_DEMO__` (from `/config.js`, written at serve time),
 * else `VITE_*` build-time variables, else the local defaults.
 */
export interface DemoConfig {
  /** The edge API (the Worker). Default `http://localhost:8787`. */
  edgeApiUrl: string;
  /** OTLP/HTTP base URL for browser spans. Default `http://localhost:4318`. */
  otlpEndpoint: string;
  /** Sentry DSN; Spotlight's intake by default. */
  sentryDsn: string;
  /** Jaeger UI, for trace links. Default `http://localhost:16686`. */
  jaegerUiUrl: string;
}

declare global {
  interface Window {
    __WIDELINE_DEMO__?: Partial<DemoConfig>;
  }
}

const runtime = window.__WIDELINE_DEMO__ ?? {};
const env = import.meta.env;

export const config: DemoConfig = {
  edgeApiUrl: runtime.edgeApiUrl ?? env.VITE_EDGE_API_URL ?? 'http://localhost:8787',
  otlpEndpoint: runtime.otlpEndpoint ?? env.VITE_OTLP_ENDPOINT ?? 'http://localhost:4318',
  sentryDsn: runtime.sentryDsn ?? env.VITE_SENTRY_DSN ?? 'http://public@localhost:8969/0',
  jaegerUiUrl: runtime.jaegerUiUrl ?? env.VITE_JAEGER_UI_URL ?? 'http://localhost:16686',
};
