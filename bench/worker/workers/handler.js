// The handler every variant runs: three sequential subrequests to a local server.
export const handler = {
  async fetch(_request, env) {
    const parts = [];
    for (const path of ['/a', '/b', '/c']) parts.push(await (await fetch(`${env.DOWNSTREAM_URL}${path}`)).text());
    return new Response(parts.join(','));
  },
};
