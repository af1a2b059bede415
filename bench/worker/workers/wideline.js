import { instrument } from '@wideline/worker';
import { handler } from './handler.js';

export default instrument(handler, (env) => ({
  serviceName: 'bench-wideline',
  endpoint: env.OTLP_URL,
  propagateTo: ['127.0.0.1'],
  // The pipeline's defaults otherwise: head sampling keeps everything, redaction on.
}));
