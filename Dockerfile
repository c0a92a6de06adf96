# qualityloop image: one image for both the API and the Temporal worker.
#   API (default):  npx tsx src/api/main.ts
#   worker:         npx tsx worker/main.ts   (set as `command` in docker-compose.yml)
# TypeScript runs through tsx, a runtime dependency, so no build step is needed.
# Configuration comes only from QL_* environment variables (src/config/index.ts).
# The web app (React + Vite, web/) is built in its own stage, with the devDependencies
# that build it; the runtime image gets only web/dist, which the API serves under /app/.

# ---- build stage: the web app
FROM node:20-bookworm-slim AS web
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm install --no-audit --no-fund
# The web app imports the API's schemas, contracts and permission matrix from src/.
COPY tsconfig.json ./
COPY src/ ./src/
COPY web/ ./web/
RUN npm run build:web

# ---- runtime image
FROM node:20-bookworm-slim

ENV NODE_ENV=production
WORKDIR /app

# Dependencies first so this layer is cached until the lockfile changes. `npm install`
# follows package-lock.json; `npm ci` would reject it because the lockfile is produced
# where other platforms' optional packages are not served (see scripts/ensure-deps.sh).
COPY package.json package-lock.json ./
RUN npm install --omit=dev --no-audit --no-fund && npm cache clean --force

COPY tsconfig.json ./
COPY src/ ./src/
COPY workflows/ ./workflows/
COPY activities/ ./activities/
COPY worker/ ./worker/
COPY --from=web /build/web/dist ./web/dist/

# Sources stay root-owned and read-only; the process runs unprivileged.
USER node

EXPOSE 8080
CMD ["npx", "tsx", "src/api/main.ts"]
