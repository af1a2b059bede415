import worker from './wideline.js';
import { looped } from './loop.js';

export default looped(worker);
