# qualityloop image: one image for both the API and the Temporal worker, running the JavaScript
# that `npm run build` compiles (docs/operations.md, "Production build").
#   API (default):  node dist/src/api/main.js
#   worker:         node dist/worker/main.js   (set as `command` in docker-compose.yml; it loads the
#                   prebuilt dist/workflow-bundle.js, nothing is bundled at start)
#   admin scripts:  node dist/scripts/create-api-key.js <userId> <role> "<name>" [expiresInDays]
#                   node dist/scripts/seed.js [--allow-remote]
# Configuration comes only from QL_* environment variables (src/config/index.ts).
# Everything is built in the first stage, with the devDependencies that build it (TypeScript,
# tsx, Vite); the runtime image gets production dependencies, dist/ and web/dist only: no tsx,
# no TypeScript sources.

# ---- build stage: the web app, the compiled server and the workflow bundle
FROM node:20-bookworm-slim AS build
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm install --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
# The web app imports the API's schemas, contracts and permission matrix from src/.
COPY src/ ./src/
COPY workflows/ ./workflows/
COPY activities/ ./activities/
COPY worker/ ./worker/
COPY scripts/ ./scripts/
COPY web/ ./web/
RUN npm run build:web && npm run build

# ---- runtime image
FROM node:20-bookworm-slim

ENV NODE_ENV=production
WORKDIR /app

# Dependencies first so this layer is cached until the lockfile changes. `npm install`
# follows package-lock.json; `npm ci` would reject it because the lockfile is produced
# where other platforms' optional packages are not served (see scripts/ensure-deps.sh).
COPY package.json package-lock.json ./
RUN npm install --omit=dev --no-audit --no-fund && npm cache clean --force

COPY --from=build /build/dist ./dist/
COPY --from=build /build/web/dist ./web/dist/

# The files stay root-owned and read-only; the process runs unprivileged.
USER node

EXPOSE 8080
CMD ["node", "dist/src/api/main.js"]
