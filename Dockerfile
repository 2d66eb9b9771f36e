# syntax=docker/dockerfile:1
#
# The SkyPilot-compatible API server as a container image. Two images from one file:
#   docker build -t skypilot-ts:nightly .                  the nightly (the last stage, the default)
#   docker build --target demo -t skypilot-ts:demo .       the read-only demo (patches/demo.patch)
#
# No Docker engine runs where this project is built and tested, so this file is checked without one:
# tests/deploy/dockerfile.test.ts reads it (stages, user, probes, what the runtime stages copy) and
# tests/deploy/productionInstall.test.ts lays out and starts the runtime stages' files as they copy
# them. See "Deploying" in the README for what was verified how.

# One base for every stage, so the native module compiled in `deps` matches the runtime's Node and
# libc. Pin it by digest (node:20-bookworm-slim@sha256:...) for reproducible builds.
ARG NODE_IMAGE=node:20-bookworm-slim

# ---------------------------------------------------------------------------------------------------
# deps: every dependency, dev ones included (tsc, esbuild), with better-sqlite3 compiled from source.
FROM ${NODE_IMAGE} AS deps
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ patch \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# Compile better-sqlite3 against this image's own Node headers (/usr/local/include/node) instead of
# fetching a prebuilt binary: the build needs no host but the npm registry and Debian's mirrors.
ENV npm_config_build_from_source=better-sqlite3 \
    npm_config_nodedir=/usr/local
COPY package.json package-lock.json ./
# Scripts are off because `prepare` would build before the sources are copied; the two packages
# whose install scripts matter (package.json "allowScripts") are rebuilt explicitly instead.
RUN npm ci --ignore-scripts --no-audit --no-fund \
 && npm rebuild better-sqlite3 esbuild

# sources: what `npm run build` reads (tsc and the dashboard bundle).
FROM deps AS sources
COPY tsconfig.json ./
COPY scripts ./scripts
COPY patches ./patches
COPY src ./src

# build: the nightly's dist/.
FROM sources AS build
RUN npm run build

# build-demo: the demo's dist/, the nightly plus the one import line of patches/demo.patch.
# --fuzz=0: the patch applies exactly or the build fails, never a guess at a moved line.
FROM sources AS build-demo
RUN patch -p1 --forward --fuzz=0 < patches/demo.patch \
 && npm run build

# prod-deps: production dependencies only, plus the native module compiled in `deps`. Installed
# afresh rather than pruned, so no devDependency and no compiler can reach the runtime image.
FROM ${NODE_IMAGE} AS prod-deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund
COPY --from=deps /app/node_modules/better-sqlite3/build/Release/better_sqlite3.node ./node_modules/better-sqlite3/build/Release/

# ---------------------------------------------------------------------------------------------------
# runtime: what both images share. Code and dependencies belong to root and are read-only to the
# server, which runs as the base image's `node` user (uid 1000; numeric, so Kubernetes can check
# runAsNonRoot). It writes only under HOME (~/.sky), and not even there on PostgreSQL.
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    HOME=/home/node \
    SKYPILOT_HOST=0.0.0.0 \
    SKYPILOT_PORT=46580
WORKDIR /app
COPY --from=prod-deps /app/node_modules ./node_modules
COPY package.json ./
# The demo's fake world: read at start and re-read when edited (SKYPILOT_DEMO_FIXTURES overrides).
COPY src/demo/fixtures ./src/demo/fixtures
COPY deploy/healthcheck.js ./deploy/healthcheck.js
USER 1000:1000
EXPOSE 46580
# The server answers SIGTERM by failing readiness, finishing live requests (up to 10 s) and closing
# its databases; Node runs as PID 1 here, which is fine because the server handles the signal itself.
STOPSIGNAL SIGTERM
# Liveness only: a replica whose database is briefly away is not restarted for it (that is /readyz,
# which the compose file and the Kubernetes manifests use for traffic).
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "deploy/healthcheck.js", "/healthz"]
CMD ["node", "dist/src/server.js"]

# demo: `docker build --target demo`.
FROM runtime AS demo
COPY --from=build-demo /app/dist/src ./dist/src
COPY --from=build-demo /app/dist/dashboard ./dist/dashboard
# /api/health reports the commit; there is no .git in the image to ask.
ARG SKYPILOT_COMMIT=unknown
ENV SKYPILOT_COMMIT=${SKYPILOT_COMMIT}

# nightly: the default target, so it is last.
FROM runtime AS nightly
COPY --from=build /app/dist/src ./dist/src
COPY --from=build /app/dist/dashboard ./dist/dashboard
ARG SKYPILOT_COMMIT=unknown
ENV SKYPILOT_COMMIT=${SKYPILOT_COMMIT}
