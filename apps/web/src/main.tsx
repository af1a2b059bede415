/**
 * The demo page's entry: Wideline starts first (so the page load is traced from the first request),
 * then Sentry with the Wideline integration (no `browserTracingIntegration`: Wideline traces the
 * page, and Sentry events carry its trace ids), then React.
 */
import * as Sentry from '@sentry/react';
import { defaultFeatures, envVariables, initBrowser } from '@wideline/browser';
import { WidelineProvider, widelineSentryIntegration } from '@wideline/browser/react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { config } from './config';

const browser = initBrowser({
  serviceName: 'web',
  // OTEL_* variables, as every runtime reads them (Vite exposes those its envPrefix allows); the
  // envVariables() feature reads them.
  env: import.meta.env,
  features: [...defaultFeatures(), envVariables()],
  endpoint: config.otlpEndpoint,
  // Trace headers go to our API only; its CORS allows them (see apps/edge-api/src/cors.ts).
  propagateTo: [new URL(config.edgeApiUrl).origin],
  // The API's path shapes, so CLIENT spans are named `POST /api/orders` rather than `POST` alone.
  urlTemplates: ['/api/orders', '/api/orders/{id}', '/api/orders/{id}/ws'],
  jaegerUiUrl: config.jaegerUiUrl,
  batch: { scheduledDelayMs: 500 },
});

Sentry.init({
  dsn: config.sentryDsn,
  integrations: [widelineSentryIntegration(browser)],
});

createRoot(document.getElementById('root') as HTMLElement).render(
  <WidelineProvider browser={browser}>
    <App />
  </WidelineProvider>,
);
