import { looped } from './loop.js';
import worker from './otelcf.js';

export default looped(worker, { sequential: true });
