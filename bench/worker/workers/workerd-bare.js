import worker from './bare.js';
import { looped } from './loop.js';

export default looped(worker);
