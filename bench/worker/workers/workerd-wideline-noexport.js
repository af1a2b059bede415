import { looped } from './loop.js';
import worker from './wideline-noexport.js';

export default looped(worker);
