# The vitest-perf live monitor as a container. Not built or run here: the machines this
# project is developed on have no Docker engine. Build: docker build -t vitest-perf-monitor .

# Build stage: compile TypeScript to dist/.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY reporters ./reporters
RUN npm run build

# Runtime stage: production dependencies, the compiled code and the command.
FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    MONITOR_HOST=0.0.0.0 \
    MONITOR_PORT=8001 \
    MONITORING_INTERVAL=30 \
    PERFORMANCE_LOG_LEVEL=info
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY bin ./bin
USER node
EXPOSE 8001
# Bound to 0.0.0.0, the monitor refuses to start without MONITOR_TOKEN (pass it at run time).
# /health needs no token, so the health check works either way.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.MONITOR_PORT || 8001) + '/health').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Mount a config at /config/monitor.json, or drop --config and set PERF_BASE_URL to probe the
# service's four standard endpoints.
ENTRYPOINT ["node", "bin/vitest-perf.js", "monitor"]
CMD ["--config", "/config/monitor.json"]
