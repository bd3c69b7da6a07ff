# The worker and the one-shot jobs of docker-compose.yml (load-source, schedules apply), compiled:
# no TypeScript compiler, no dev dependencies and no local-stack tools (.tools/) at run time.
# docker-compose.yml runs Temporal, PostgreSQL and MongoDB as services of their own.

FROM node:20.20.2-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
# dist/ (npm run build), then the workflow code bundled once, so the worker does not run webpack at start
RUN npm run build && node dist/scripts/bundle-workflows.js /app/dist/workflow-bundle.js

FROM node:20.20.2-bookworm-slim
# pg_restore for a dvd_rental archive: the PostgreSQL 17 client from the PGDG repository, as the servers
# (Debian bookworm's own client is 15, too old for archives written by pg_dump 16 or later).
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates postgresql-common \
 && /usr/share/postgresql-common/pgdg/apt.postgresql.org.sh -y \
 && apt-get install -y --no-install-recommends postgresql-client-17 \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
# read at run time from the repository root (the folder holding package.json)
COPY config ./config
COPY sql ./sql
ENV STACK_MODE=external \
    STACK_DATA_DIR=/tmp/dvd-rental \
    TEMPORAL_WORKFLOW_BUNDLE=/app/dist/workflow-bundle.js \
    METRICS_BIND_ADDRESS=0.0.0.0:9464
EXPOSE 9464
USER node
CMD ["node", "dist/worker.js"]
