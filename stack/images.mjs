// What each image docker-compose.yml pins actually carries, read from the image's own build files (no
// Docker engine runs where these tests run, so nothing can `docker run` them). stack/compose.test.mjs
// checks every health check, command and entrypoint in docker-compose.yml against this table: a
// program an image does not list here fails the test, and so does an image with no row.
//
// Adding a service (e.g. a `clickhouse` profile): add a row for its image, each fact with the file it
// comes from, then run `pnpm test --project stack:integration`.

const JAEGER_DOCKERFILE =
  'jaegertracing/jaeger@v1.76.0 (the v2.13.0 release commit) cmd/jaeger/Dockerfile: ENTRYPOINT ["/cmd/jaeger/jaeger-linux"], USER 10001, VOLUME ["/tmp"], FROM $base_image';
const JAEGER_BASE =
  'jaegertracing/jaeger@v1.76.0 scripts/build/docker/base/Dockerfile: FROM alpine:3.22.2 (+ ca-certificates, mime.types); scripts/makefiles/Docker.mk builds release images on it';
const BUSYBOX =
  'alpinelinux/aports main/busybox/busyboxconfig: CONFIG_SH_IS_ASH=y, CONFIG_BASH_IS_NONE=y, CONFIG_WGET=y, CONFIG_CHOWN=y, CONFIG_MKDIR=y, CONFIG_DU=y; main/busybox/busybox.post-install links every applet (busybox --install -s)';
const REDIS_IMAGE =
  'docker-library/repo-info repos/redis/remote/7.4-alpine.md: FROM alpine-minirootfs 3.21, `make install` of redis 7.4 into /usr/local (redis-server, redis-cli), ENTRYPOINT ["docker-entrypoint.sh"], CMD ["redis-server"], `mkdir /data && chown redis:redis /data`, VOLUME /data, WORKDIR /data';
const REDIS_ENTRYPOINT =
  'docker-library/redis docker-entrypoint.sh: runs "$@"; for redis-server started as root it chowns /data to redis and drops to that user';
const SPOTLIGHT_DOCKERFILE =
  'getsentry/spotlight Dockerfile (commit 0393b534): FROM debian:bookworm-slim, ENTRYPOINT ["/app/spotlight"], its own HEALTHCHECK uses bash /dev/tcp (no wget or curl in the image)';
const BOOKWORM_SLIM =
  'debuerreotype/docker-debian-artifacts bookworm/slim/rootfs.manifest: bash 5.2.15, dash, coreutils, grep; no wget, no curl';
const CLICKHOUSE_DOCKERFILE =
  'ClickHouse/ClickHouse docker/server/Dockerfile.ubuntu (the default, non-alpine tags): FROM ubuntu:22.04, apt-get install ca-certificates locales tzdata wget, then clickhouse-client clickhouse-server clickhouse-common-static; useradd --uid=101 clickhouse; ENTRYPOINT ["/entrypoint.sh"]; EXPOSE 9000 8123 9009; no curl';
const CLICKHOUSE_ENTRYPOINT =
  'ClickHouse/ClickHouse docker/server/entrypoint.sh: #!/bin/bash; on first start creates CLICKHOUSE_USER (removing `default`) with CLICKHOUSE_PASSWORD and CLICKHOUSE_DB; with no arguments execs clickhouse-server as the clickhouse user via `clickhouse su`';
const UBUNTU_JAMMY = 'ubuntu:22.04 (Debian-style base): /bin/sh is dash, bash is installed';

/**
 * @typedef {object} ImageFacts
 * @property {{ argv: string[], runsCommand: boolean, source: string }} entrypoint the image's ENTRYPOINT;
 *   `runsCommand` when it ends by executing the service's `command` (so `command[0]` must be a program
 *   of the image), false when `command` is only arguments to the entrypoint's own binary.
 * @property {{ uid: number, source: string }} user the uid the main process runs as.
 * @property {Record<string, { kind: 'bash' | 'ash' | 'dash', source: string }>} shells by program name;
 *   only bash opens `/dev/tcp/…` and knows `[[ … ]]`.
 * @property {string} defaultShell what Docker runs a `CMD-SHELL` health check with (`/bin/sh -c`).
 * @property {Record<string, string>} programs program name → the source that says the image has it.
 * @property {Record<string, string>} [absent] programs a health check might reach for that the image
 *   does not have, and the source that says so (the reason the table exists).
 */

/** @type {Record<string, ImageFacts>} */
export const IMAGES = {
  'jaegertracing/jaeger:2.13.0': {
    entrypoint: { argv: ['/cmd/jaeger/jaeger-linux'], runsCommand: false, source: JAEGER_DOCKERFILE },
    user: { uid: 10001, source: JAEGER_DOCKERFILE },
    shells: { sh: { kind: 'ash', source: BUSYBOX } },
    defaultShell: 'sh',
    programs: {
      'jaeger-linux': JAEGER_DOCKERFILE,
      sh: `${JAEGER_BASE}; ${BUSYBOX}`,
      wget: `${JAEGER_BASE}; ${BUSYBOX}`,
      chown: `${JAEGER_BASE}; ${BUSYBOX}`,
      mkdir: `${JAEGER_BASE}; ${BUSYBOX}`,
      du: `${JAEGER_BASE}; ${BUSYBOX}`,
    },
    absent: { bash: BUSYBOX, curl: JAEGER_BASE },
  },
  'redis:7.4-alpine': {
    entrypoint: { argv: ['docker-entrypoint.sh'], runsCommand: true, source: `${REDIS_IMAGE}; ${REDIS_ENTRYPOINT}` },
    user: { uid: 999, source: `${REDIS_IMAGE}; ${REDIS_ENTRYPOINT}` },
    shells: { sh: { kind: 'ash', source: BUSYBOX } },
    defaultShell: 'sh',
    programs: {
      'docker-entrypoint.sh': REDIS_IMAGE,
      'redis-server': REDIS_IMAGE,
      'redis-cli': REDIS_IMAGE,
      sh: `${REDIS_IMAGE}; ${BUSYBOX}`,
      du: `${REDIS_IMAGE}; ${BUSYBOX}`,
    },
    absent: { bash: BUSYBOX },
  },
  'ghcr.io/getsentry/spotlight:4.11.8': {
    entrypoint: { argv: ['/app/spotlight'], runsCommand: false, source: SPOTLIGHT_DOCKERFILE },
    user: { uid: 0, source: `${SPOTLIGHT_DOCKERFILE} (no USER)` },
    shells: {
      bash: { kind: 'bash', source: `${SPOTLIGHT_DOCKERFILE}; ${BOOKWORM_SLIM}` },
      sh: { kind: 'dash', source: BOOKWORM_SLIM },
    },
    defaultShell: 'sh',
    programs: {
      spotlight: SPOTLIGHT_DOCKERFILE,
      bash: `${SPOTLIGHT_DOCKERFILE}; ${BOOKWORM_SLIM}`,
      sh: BOOKWORM_SLIM,
      grep: BOOKWORM_SLIM,
    },
    absent: { wget: `${SPOTLIGHT_DOCKERFILE}; ${BOOKWORM_SLIM}`, curl: BOOKWORM_SLIM },
  },
  'clickhouse/clickhouse-server:25.9.2': {
    entrypoint: {
      argv: ['/entrypoint.sh'],
      runsCommand: true,
      source: `${CLICKHOUSE_DOCKERFILE}; ${CLICKHOUSE_ENTRYPOINT}`,
    },
    user: { uid: 101, source: `${CLICKHOUSE_DOCKERFILE}; ${CLICKHOUSE_ENTRYPOINT}` },
    shells: {
      bash: { kind: 'bash', source: `${CLICKHOUSE_ENTRYPOINT}; ${UBUNTU_JAMMY}` },
      sh: { kind: 'dash', source: UBUNTU_JAMMY },
    },
    defaultShell: 'sh',
    programs: {
      '/entrypoint.sh': CLICKHOUSE_DOCKERFILE,
      'clickhouse-server': CLICKHOUSE_DOCKERFILE,
      'clickhouse-client': CLICKHOUSE_DOCKERFILE,
      wget: CLICKHOUSE_DOCKERFILE,
      bash: `${CLICKHOUSE_ENTRYPOINT}; ${UBUNTU_JAMMY}`,
      sh: UBUNTU_JAMMY,
    },
    absent: { curl: CLICKHOUSE_DOCKERFILE },
  },
};

// Builtins of the shells above (bash manual, "Shell Builtin Commands"; POSIX special and regular
// builtins, which dash and busybox ash implement): words a script may use without the image having a
// program of that name.
const POSIX_BUILTINS = [
  ':',
  '.',
  'break',
  'cd',
  'continue',
  'echo',
  'eval',
  'exec',
  'exit',
  'export',
  'false',
  'printf',
  'pwd',
  'read',
  'readonly',
  'return',
  'set',
  'shift',
  'test',
  '[',
  'trap',
  'true',
  'umask',
  'unset',
  'wait',
  'kill',
];
export const SHELL_BUILTINS = {
  bash: new Set([...POSIX_BUILTINS, '[[', 'declare', 'local', 'let', 'source', 'type']),
  ash: new Set([...POSIX_BUILTINS, 'local', 'type']),
  dash: new Set([...POSIX_BUILTINS, 'local', 'type']),
};
