# The worker and the CLI. The local stack's tools (.tools/) are not needed in containers:
# docker-compose.yml runs Temporal, PostgreSQL and MongoDB as services of their own.
FROM node:20-bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends postgresql-client && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npx tsx scripts/bundle-workflows.ts /app/dist/workflow-bundle.js
ENV TEMPORAL_WORKFLOW_BUNDLE=/app/dist/workflow-bundle.js
ENV STACK_MODE=external STACK_DATA_DIR=/tmp/dvd-rental
USER node
CMD ["npx", "tsx", "worker.ts"]
