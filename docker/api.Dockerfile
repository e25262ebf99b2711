# Vigil API. Build from the repository root: docker build -f docker/api.Dockerfile .
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
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000 MALLOC_ARENA_MAX=2 MALLOC_MMAP_THRESHOLD_=4194304 \
    NODE_OPTIONS=--max-old-space-size=176
WORKDIR /app
COPY --from=build --chown=node:node /app/package.json ./
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
# The one directory the apps write to (development keys, docker/compose.yml mounts a volume here); the rest of the
# file system may be read-only.
RUN mkdir .vigil && chown node:node .vigil
USER node
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# Migrations run as a separate one-off (see compose.yml), never implicitly on start.
CMD ["node", "dist/apps/api/src/main.js"]
