# The VM sanity run (sourced by the runner with e2e.ops=sanity): `pnpm sanity`'s csi-sanity run,
# inside the guest, for mount and block volumes (dist/vm/guest/sanity/main.js): the TrueNAS
# simulator with its iSCSI served by the kernel's LIO target, csp-truenas, the driver's controller
# and its node with the real iSCSI transport, csi-sanity's Node Service specs; then proof that
# nothing is left on the node: sessions, node records, devices, mounts, LIO objects, driver state.

# On the root filesystem (ext4), not tmpfs: a loop device over a tmpfs file fails WRITE_ZEROES,
# which a zvol (and ext4) supports, and mkfs.ext4 zeroes through it.
E2E_SANITY_ROOT=/var/lib/opencsp-sanity
E2E_SANITY_BIN=/opt/hostnode/csi-sanity
E2E_SANITY_ENTRY=packages/testbed/dist/vm/guest/sanity/main.js
E2E_OUT=/out
LIO=/sys/kernel/config/target

sanity_prepare() {
  [ -x "$E2E_SANITY_BIN" ] || fail "$E2E_SANITY_BIN is missing: the host shares csi-sanity with the node binary"
  [ -r "/repo/$E2E_SANITY_ENTRY" ] || fail "/repo/$E2E_SANITY_ENTRY is missing: run pnpm build on the host"
  modprobe -a loop configfs target_core_mod iscsi_target_mod target_core_iblock
  # configfs is a module here: mounting it before the target modules load fails silently.
  mountpoint -q /sys/kernel/config || mount -t configfs configfs /sys/kernel/config
  # The iSCSI fabric's directory appears when it is first made (rtslib does the same).
  [ -d "$LIO/iscsi" ] || mkdir "$LIO/iscsi"
  mkdir -p "$E2E_SANITY_ROOT" "$E2E_OUT"
  # The host's writable share for the reports and logs.
  mountpoint -q "$E2E_OUT" || mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 out "$E2E_OUT"
  log "csi-sanity $("$E2E_SANITY_BIN" -version 2>&1 | head -n1)"
}

# sanity_run mount|block: one csi-sanity run in a fresh directory; its report goes to the host.
sanity_run() {
  local dir=$E2E_SANITY_ROOT/$1
  mkdir -p "$dir"
  # The services run on the node binary the host shared (the images' runtime), as the run itself.
  # shellcheck disable=SC2097,SC2098 # the variables are meant for the node process only
  E2E_SANITY_DIR=$dir E2E_OUT=$E2E_OUT E2E_CHAP=$E2E_CHAP E2E_REASON_FILE=$E2E_REASON OPENCSP_SERVICE_NODE=$E2E_NODE \
    "$E2E_NODE" "/repo/$E2E_SANITY_ENTRY" "$1"
}

sanity_no_leftovers() {
  local out rc
  rc=0 && out=$(iscsiadm -m session 2>&1) || rc=$?
  [ "$rc" -eq 21 ] || fail "iSCSI sessions left: $out"
  rc=0 && out=$(iscsiadm -m node 2>&1) || rc=$?
  [ "$rc" -eq 21 ] || fail "iSCSI node records left: $out"
  out=$(names_of /sys/block/sd* /sys/block/dm-*)
  [ -z "$out" ] || fail "block devices left: $out"
  out=$(names_of /dev/mapper/* | sed 's/\bcontrol\b//' | xargs)
  [ -z "$out" ] || fail "device-mapper maps left: $out"
  out=$(losetup -n -O NAME,BACK-FILE)
  [ -z "$out" ] || fail "loop devices left: $out"
  out=$(findmnt -rn -o TARGET | grep "^$E2E_SANITY_ROOT/" || true)
  [ -z "$out" ] || fail "mounts left: $out"
  out=$(find "$LIO/iscsi" -mindepth 1 -maxdepth 1 -type d ! -name discovery_auth -printf '%f ')
  [ -z "$out" ] || fail "LIO targets left: $out"
  out=$(find "$LIO/core" -mindepth 1 -maxdepth 1 -type d -name 'iblock_*' -printf '%f ')
  [ -z "$out" ] || fail "LIO backstores left: $out"
  out=$(find "$E2E_SANITY_ROOT" -path '*/node-state/*' -type f -printf '%f ')
  [ -z "$out" ] || fail "driver state files left: $out"
}

# run_step_anyway NAME COMMAND...: a step that runs also after an earlier failure (each access
# type has its own report, and what is left after a failure is worth knowing); the first failure
# stays the run's verdict.
run_step_anyway() {
  local failed=$E2E_FAILED reason=""
  [ -z "$failed" ] || reason=$(cat "$E2E_REASON")
  E2E_FAILED=""
  run_step "$@"
  if [ -n "$failed" ]; then
    E2E_FAILED=$failed
    echo "$reason" >"$E2E_REASON"
  fi
}

sanity_scenario() {
  run_step sanity_prepare sanity_prepare || return 1
  run_step sanity_mount sanity_run mount
  run_step_anyway sanity_block sanity_run block
  run_step_anyway no_leftovers sanity_no_leftovers
}
