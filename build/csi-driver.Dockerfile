# syntax=docker/dockerfile:1
# The CSI driver image (controller and node): the driver's bundle (`pnpm build`'s
# packages/csi-driver/bundle: the driver and its dependencies in a few files, no node_modules;
# scripts/bundle.mjs says why) plus the host tools the node plugin runs in `--host-mode direct` (in
# chroot/nsenter mode it runs the host's own tools). Build from the repository root:
#   docker build -f build/csi-driver.Dockerfile -t ghcr.io/opencsp/csi-driver:<version> .
# The Node.js version is the one the upstream suites run the services on (scripts/packed-tools.mjs;
# images.test.ts keeps the two in step).
ARG NODE_IMAGE=node:24.22.3-trixie-slim

FROM ${NODE_IMAGE} AS build
ARG PNPM_VERSION=10.34.9
ENV CI=true PNPM_HOME=/pnpm
RUN npm install --global "pnpm@${PNPM_VERSION}"
WORKDIR /src
# Dependencies first, from the lockfile alone, so that source changes reuse this layer.
COPY pnpm-lock.yaml pnpm-workspace.yaml ./
RUN --mount=type=cache,id=pnpm-store,target=/pnpm/store pnpm fetch
COPY . .
RUN --mount=type=cache,id=pnpm-store,target=/pnpm/store \
    pnpm install --offline --frozen-lockfile \
 && pnpm exec tsc -b packages/csi-driver/tsconfig.build.json \
 && node scripts/bundle.mjs csi-driver

FROM ${NODE_IMAGE}
# iscsiadm (open-iscsi), nvme (nvme-cli, for NVMe/TCP), multipath/multipathd client
# (multipath-tools), mkfs/fsck/resize for ext4, xfs and btrfs, and util-linux/mount for lsblk,
# blkid, findmnt, blockdev, mount, nsenter.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      open-iscsi nvme-cli multipath-tools e2fsprogs xfsprogs btrfs-progs util-linux mount udev kmod ca-certificates \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production
WORKDIR /opt/opencsp/csi-driver
COPY --from=build /src/packages/csi-driver/bundle ./
LABEL org.opencontainers.image.title="opencsp CSI driver" \
      org.opencontainers.image.description="CSI driver csi.opencsp.io (controller and node)" \
      org.opencontainers.image.licenses="Apache-2.0"
# Runs as root: the node plugin is privileged by design. The chart runs the controller pod as
# UID 65532 with a read-only root filesystem.
ENTRYPOINT ["node", "main.js"]
