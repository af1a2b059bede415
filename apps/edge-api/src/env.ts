import type { OrderStatusBase } from './order-status';

/** The Worker's bindings; every var has a local default in `wrangler.jsonc`. */
export interface Env {
  ORDER_STATUS: DurableObjectNamespace<OrderStatusBase>;
  /** Base URL of the jobs service (Workers cannot speak Redis, so orders go there over HTTP). */
  JOBS_URL: string;
  /** Comma-separated origins allowed to call the API from a browser (CORS). */
  ALLOWED_ORIGINS: string;
  SENTRY_DSN: string;
  OTEL_EXPORTER_OTLP_ENDPOINT: string;
  WIDELINE_JAEGER_UI_URL?: string;
}
