# syntax=docker/dockerfile:1
# A Container Storage Provider image: the CSP's bundle (`pnpm build`'s packages/csp-<CSP>/bundle:
# the CSP and its dependencies in a few files, no node_modules; scripts/bundle.mjs says why), small
# (Alpine) and non-root. Build from the repository root, once per CSP:
#   docker build -f build/csp.Dockerfile --build-arg CSP=truenas  -t ghcr.io/opencsp/csp-truenas:<version> .
#   docker build -f build/csp.Dockerfile --build-arg CSP=synology -t ghcr.io/opencsp/csp-synology:<version> .
# The Node.js version is the one the upstream suites run the services on (scripts/packed-tools.mjs;
# images.test.ts keeps the two in step).
ARG NODE_IMAGE=node:24.22.3-alpine

FROM ${NODE_IMAGE} AS build
ARG CSP
ARG PNPM_VERSION=10.34.9
RUN case "${CSP}" in truenas|synology) ;; *) echo "build-arg CSP must be truenas or synology" >&2; exit 1;; esac
ENV CI=true PNPM_HOME=/pnpm
RUN npm install --global "pnpm@${PNPM_VERSION}"
WORKDIR /src
COPY pnpm-lock.yaml pnpm-workspace.yaml ./
RUN --mount=type=cache,id=pnpm-store,target=/pnpm/store pnpm fetch
COPY . .
RUN --mount=type=cache,id=pnpm-store,target=/pnpm/store \
    pnpm install --offline --frozen-lockfile \
 && pnpm exec tsc -b "packages/csp-${CSP}/tsconfig.build.json" \
 && node scripts/bundle.mjs "csp-${CSP}"

FROM ${NODE_IMAGE}
ARG CSP
ENV NODE_ENV=production CSP_HOST=0.0.0.0 CSP_PORT=8080
WORKDIR /opt/opencsp/csp
COPY --from=build --chown=0:0 "/src/packages/csp-${CSP}/bundle" ./
LABEL org.opencontainers.image.title="opencsp CSP (${CSP})" \
      org.opencontainers.image.description="Container Storage Provider for ${CSP} (HPE CSP API v1.1.0 superset)" \
      org.opencontainers.image.licenses="Apache-2.0"
# Files stay owned by root and read-only to the service user.
USER 65532:65532
EXPOSE 8080
ENTRYPOINT ["node", "main.js"]
