import { instrument } from '@wideline/worker';
import { handler } from './handler.js';

// The same Wideline setup with an exporter that discards: spans, propagation and the response pipe
// without the per-invocation export (serialise + POST), to show how the overhead splits.
const discard = {
  export: (_spans, done) => done({ code: 0 }),
  forceFlush: async () => {},
  shutdown: async () => {},
};

export default instrument(handler, () => ({
  serviceName: 'bench-wideline',
  propagateTo: ['127.0.0.1'],
  exporter: discard,
}));
