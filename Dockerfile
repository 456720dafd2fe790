# One image per service: docker build --build-arg SERVICE=gateway -t ghcr.io/keel-platform/gateway .
# Not built in CI (no container engine on the CI machines); k8s/dockerfile.spec.ts checks that
# every path it copies exists and that it stays non-root with a health check.
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /keel
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY nx.json tsconfig.base.json ./
COPY contracts contracts
COPY libs libs
COPY services services
# The TypeScript ABIs generated from the contracts (libs/abi/src/generated, not in git).
RUN NX_DAEMON=false npx nx run abi:build

FROM ${NODE_IMAGE} AS runtime
ARG SERVICE
# /health/live on services that run through runService, /health on the others (k8s/tools/topology.ts).
ARG HEALTH_PATH=/health/live
ENV NODE_ENV=production \
    KEEL_SERVICE=${SERVICE} \
    KEEL_HEALTH_PATH=${HEALTH_PATH} \
    KEEL_HTTP_HOST=0.0.0.0 \
    KEEL_HTTP_PORT=8080
WORKDIR /keel
COPY --from=build --chown=10001:10001 /keel/package.json /keel/tsconfig.base.json ./
COPY --from=build --chown=10001:10001 /keel/node_modules node_modules
COPY --from=build --chown=10001:10001 /keel/libs libs
COPY --from=build --chown=10001:10001 /keel/services services
USER 10001:10001
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+process.env.KEEL_HTTP_PORT+process.env.KEEL_HEALTH_PATH).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENV SWC_NODE_PROJECT=tsconfig.base.json
CMD ["sh", "-c", "exec node -r @swc-node/register services/${KEEL_SERVICE}/src/main.ts"]
