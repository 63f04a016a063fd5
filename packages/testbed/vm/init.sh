#!/bin/sh
# PID 1 of the opencsp e2e VM: the only file baked into the image (as /sbin/opencsp-e2e-init).
# It mounts the kernel filesystems and the two 9p shares (the repository and the host's node
# binary, both read-only), then hands over to the runner that lives in the repository, so editing
# a scenario never needs an image rebuild. On any failure it prints the result marker and powers
# the VM off, so the host sees a verdict instead of a hang.
PATH=/usr/sbin:/usr/bin:/sbin:/bin
export PATH

die() {
  echo "E2E-RESULT FAIL init: $*" >/dev/console
  sync
  echo o >/proc/sysrq-trigger
  sleep 60
}

mountpoint -q /proc || mount -t proc proc /proc
mountpoint -q /sys || mount -t sysfs sysfs /sys
mountpoint -q /dev || mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm
mountpoint -q /dev/pts || mount -t devpts devpts /dev/pts
mountpoint -q /run || mount -t tmpfs -o mode=0755 tmpfs /run
mountpoint -q /tmp || mount -t tmpfs tmpfs /tmp
mount -o remount,rw / || die "cannot remount / read-write"
echo 1 >/proc/sys/kernel/sysrq

modprobe -a 9p 9pnet_virtio || die "cannot load the 9p modules"
mkdir -p /repo /opt/hostnode
mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144,cache=loose,ro repo /repo || die "cannot mount the repo share"
mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144,cache=loose,ro hostnode /opt/hostnode ||
  die "cannot mount the host node share"

runner=/repo/packages/testbed/vm/guest/runner.sh
[ -r "$runner" ] || die "$runner is missing from the repo share"
exec /bin/bash "$runner"
