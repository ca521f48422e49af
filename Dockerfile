# syntax=docker/dockerfile:1
# The chatbox server image. Build from the repository root:
#   docker build -t ghcr.io/chatbox/chatbox-server:0.1.0 .
# Checked statically by deployments/test (pinned base images, numeric non-root USER, no ADD of
# URLs, no secrets, exec-form CMD with node as PID 1). Secrets are never baked in: they reach
# the container as environment variables from the Kubernetes Secret chatbox-secrets.

# ---- build: the whole workspace, then a pruned production-only copy of the server ----
FROM node:20.20.2-bookworm-slim AS build
ENV CI=true
WORKDIR /repo
# The version in package.json's packageManager field.
RUN npm install --global pnpm@12.4.2
# Dependencies first, from the lockfile alone, so this layer survives source edits.
COPY pnpm-lock.yaml pnpm-workspace.yaml ./
RUN pnpm fetch
COPY . .
RUN pnpm install --offline --frozen-lockfile
RUN pnpm --filter '@chatbox/server...' run build
# The server with its production dependencies only (workspace packages with their dist/).
RUN pnpm --filter @chatbox/server --prod deploy /out
# Fail the build, not the first start, if the deployed layout lacks the entry or a built package.
RUN cd /out && test -f dist/main.js && test -f public/index.html \
 && for name in config message session ratelimit storage llm router websocket; do \
      test -f "node_modules/@chatbox/$name/dist/index.js" || { echo "missing @chatbox/$name/dist"; exit 1; }; \
    done \
 && test ! -e node_modules/@chatbox/testkit

# ---- runtime ----
FROM node:20.20.2-bookworm-slim AS runtime
# CHATBOX_SERVER_HOST: the config's default 127.0.0.1 is unreachable from outside a container.
ENV NODE_ENV=production \
    CHATBOX_SERVER_HOST=0.0.0.0
WORKDIR /app
# Owned by root and not writable by the app user; the only writable path is /tmp (an emptyDir
# in Kubernetes, where the root filesystem is read-only).
COPY --from=build /out /app
# Numeric, so Kubernetes' runAsNonRoot can verify it; above the system range (K1).
USER 10001:10001
# The config's default CHATBOX_SERVER_PORT.
EXPOSE 8080
# For `docker run`; Kubernetes ignores it and uses the Deployment's probes.
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.CHATBOX_SERVER_PORT || 8080) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# node is PID 1 and receives SIGTERM directly (a shell-form CMD would not forward it); the
# server drains within CHATBOX_SHUTDOWN_DEADLINE_MS and exits. It starts no child processes,
# so there are no zombies to reap and no need for tini.
CMD ["node", "dist/main.js"]
