import { looped } from './loop.js';
import worker from './wideline.js';

export default looped(worker);
