import { instrument } from '@wideline/worker';

export default instrument({ fetch: () => new Response('hello') }, { serviceName: 'hello' });
