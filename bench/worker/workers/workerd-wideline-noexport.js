import worker from './wideline-noexport.js';
import { looped } from './loop.js';

export default looped(worker);
