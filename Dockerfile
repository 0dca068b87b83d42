# syntax=docker/dockerfile:1
# Linkhub's image: built in one stage (npm ci, npm run build, npm prune --omit=dev, as the README's
# production install), run in a slim one that holds only what runs, as the unprivileged `node` user.
# The data directory (the embedded store and its generated master.key) is a volume; with DATABASE_URL
# the store is PostgreSQL and the volume stays empty. test/container.test.ts lints this file and keeps
# its command equal to `npm start`.
ARG NODE_VERSION=22.12

FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY scripts ./scripts
COPY src ./src
COPY web ./web
COPY migrations ./migrations
# No .git in the build context: the commit /healthz names comes from the build argument.
ARG LINKHUB_COMMIT=""
RUN LINKHUB_COMMIT="${LINKHUB_COMMIT}" npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:${NODE_VERSION}-bookworm-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    LINKHUB_DATA_DIR=/data
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/web/dist ./web/dist
COPY --from=build /app/migrations ./migrations
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000
# Node's own fetch: the slim image has no curl or wget.
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# The same as `npm start` (package.json), without npm in between: node runs as PID 1 and handles
# SIGTERM itself, so `docker stop` drains the calls in flight (LINKHUB_SHUTDOWN_TIMEOUT_MS).
CMD ["node", "--max-semi-space-size=32", "dist/src/main.js"]
