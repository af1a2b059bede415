import worker from './otelcf.js';
import { looped } from './loop.js';

export default looped(worker, { sequential: true });
