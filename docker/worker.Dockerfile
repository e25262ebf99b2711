# Vigil worker (BullMQ processors). Build from the repository root: docker build -f docker/worker.Dockerfile .
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY apps ./apps
COPY libs ./libs
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim AS runtime
# Two glibc malloc arenas instead of one per thread (V8's helper threads and libuv's pool otherwise each keep their
# own, with the pages they once used), allocations of 4 MiB and more always mapped on their own and unmapped when
# freed (argon2id's 19 MiB otherwise stays in the arena after each hash), and a 176 MB old generation (V8 otherwise
# lets garbage pile up while memory is free): together they keep each app under 250 MB at peak load
# (docs/decisions.md, "MALLOC_ARENA_MAX", "MALLOC_MMAP_THRESHOLD_"; docs/performance.md).
ENV NODE_ENV=production WORKER_HEARTBEAT_FILE=/tmp/vigil-worker.heartbeat MALLOC_ARENA_MAX=2 \
    MALLOC_MMAP_THRESHOLD_=4194304 NODE_OPTIONS=--max-old-space-size=176
WORKDIR /app
COPY --from=build --chown=node:node /app/package.json ./
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
# The one directory the apps write to (development keys, docker/compose.yml mounts a volume here); the rest of the
# file system may be read-only.
RUN mkdir .vigil && chown node:node .vigil
USER node
# /health/ready on WORKER_METRICS_PORT says why the worker is not ready; the heartbeat file, touched only while it is
# ready, spares the image an HTTP client for the check.
EXPOSE 9464
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "const s=require('fs').statSync(process.env.WORKER_HEARTBEAT_FILE);process.exit(Date.now()-s.mtimeMs<45000?0:1)"]
CMD ["node", "dist/apps/worker/src/main.js"]
