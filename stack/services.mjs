// What both routes of the local stack must agree on: service names, published ports, the Jaeger config
// file. stack.mjs starts these natively; docker-compose.yml declares them for Docker; the stack tests
// check that the two match.
export const JAEGER_CONFIG = 'stack/jaeger.yaml';

export const PORTS = {
  jaeger: [4317, 4318, 16686, 13133],
  redis: [6379],
  spotlight: [8969],
};
