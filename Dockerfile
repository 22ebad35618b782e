# local-agent: the GitHub App, its sandbox (bubblewrap) and git, on Node 24.
# Build:  docker build -t local-agent .
# Run:    see compose.yaml (the sandbox needs user namespaces: see the security options there).

FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev

FROM node:24-bookworm-slim
# git for checkouts; bubblewrap + util-linux (prlimit) for the test sandbox; python3 so Python
# repositories' tests can run inside it. Add the toolchains your repositories need here.
RUN apt-get update \
 && apt-get install -y --no-install-recommends git bubblewrap util-linux ca-certificates python3 \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json app.yml ./
COPY grammars ./grammars
ENV NODE_ENV=production \
    LOCAL_AGENT_DATA_DIR=/data \
    PORT=3000
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000
CMD ["node", "dist/cli.js", "serve"]
