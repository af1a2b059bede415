import { handler } from './handler.js';

export default handler;
