# The VM sanity run (sourced by the runner with e2e.ops=sanity): the whole stack in the guest
# (TrueNAS simulator served by the kernel's LIO target, csp-truenas, the driver with its real
# iSCSI transport), csi-sanity's Node specs against it with mount and block volumes, then proof
# that nothing is left: on the array, in LIO, on the node (sessions, node records, devices,
# mounts, the driver's state).

E2E_SANITY_DIR=/run/e2e/sanity
# On the root filesystem (ext4), not tmpfs: a loop device over a tmpfs file fails WRITE_ZEROES,
# which a zvol (and ext4) supports, and mkfs.ext4 zeroes through it.
E2E_SANITY_DATA=/var/lib/opencsp-sanity/array
E2E_SANITY_BIN=/opt/hostnode/csi-sanity
E2E_SANITY_ENTRY=packages/testbed/dist/vm/guest/sanity/main.js
E2E_OUT=/out
LIO=/sys/kernel/config/target
# csi-sanity's specs that run here: the node service, with the controller calls they make.
E2E_SANITY_FOCUS='Node Service'

sanity_prepare() {
  [ -x "$E2E_SANITY_BIN" ] || fail "$E2E_SANITY_BIN is missing: the host shares csi-sanity with the node binary"
  [ -r "/repo/$E2E_SANITY_ENTRY" ] || fail "/repo/$E2E_SANITY_ENTRY is missing: run pnpm build on the host"
  modprobe -a loop configfs target_core_mod iscsi_target_mod target_core_iblock
  # configfs is a module here: mounting it before the target modules load fails silently.
  mountpoint -q /sys/kernel/config || mount -t configfs configfs /sys/kernel/config
  # The iSCSI fabric's directory appears when it is first made (rtslib does the same).
  [ -d "$LIO/iscsi" ] || mkdir "$LIO/iscsi"
  mkdir -p "$E2E_SANITY_DATA" "$E2E_OUT"
  # The host's writable share for the JUnit reports.
  mountpoint -q "$E2E_OUT" || mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 out "$E2E_OUT"
  log "csi-sanity $("$E2E_SANITY_BIN" -version 2>&1 | head -n1)"
}

sanity_node() {
  # shellcheck disable=SC2097,SC2098 # the variables are meant for the node process only
  E2E_SANITY_DIR=$E2E_SANITY_DIR E2E_SANITY_DATA=$E2E_SANITY_DATA E2E_CHAP=$E2E_CHAP E2E_REASON_FILE=$E2E_REASON \
    "$E2E_NODE" "/repo/$E2E_SANITY_ENTRY" "$1"
}

# sanity_run mount|block: csi-sanity's node specs; the JUnit report goes to the host.
sanity_run() {
  local access=$1 junit=$E2E_OUT/sanity-$1.xml rc=0
  (cd /tmp && "$E2E_SANITY_BIN" \
    --csi.endpoint "unix://$E2E_SANITY_DIR/csi.sock" \
    --csi.secrets "$E2E_SANITY_DIR/secrets.yaml" \
    --csi.testvolumeparameters "$E2E_SANITY_DIR/parameters.yaml" \
    --csi.testvolumeaccesstype "$access" \
    --csi.testvolumesize $((256 * 1024 * 1024)) \
    --csi.testvolumeexpandsize $((512 * 1024 * 1024)) \
    --csi.junitfile "$junit" \
    --ginkgo.focus "$E2E_SANITY_FOCUS" \
    --ginkgo.no-color \
    --ginkgo.timeout 40m) || rc=$?
  [ -s "$junit" ] || fail "csi-sanity ($access) wrote no JUnit report (exit $rc)"
  local totals
  totals=$(grep -o '<testsuites [^>]*>' "$junit" | head -n1)
  log "csi-sanity $access: $totals"
  [ "$rc" -eq 0 ] || fail "csi-sanity ($access) failed (exit $rc): $(grep -o 'failures="[0-9]*"' <<<"$totals")"
}

# Every LIO target of the array is gone once csi-sanity deleted its volumes, and so are the zvols.
sanity_array_empty() {
  local left
  left=$(find "$LIO/iscsi" -mindepth 1 -maxdepth 1 -type d -name 'iqn.2005-10.org.freenas.ctl:*' -printf '%f ')
  [ -z "$left" ] || fail "targets left on the array: $left"
  left=$(find "$E2E_SANITY_DATA" -name '*.img' -printf '%f ')
  [ -z "$left" ] || fail "zvols or snapshots left on the array: $left"
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
  out=$(findmnt -rn -o TARGET | grep -E '^/tmp/csi-(mount|staging)' || true)
  [ -z "$out" ] || fail "mounts left: $out"
  out=$(find "$LIO/iscsi" -mindepth 1 -maxdepth 1 -type d ! -name discovery_auth -printf '%f ')
  [ -z "$out" ] || fail "LIO targets left: $out"
  out=$(find "$LIO/core" -mindepth 1 -maxdepth 1 -type d -name 'iblock_*' -printf '%f ')
  [ -z "$out" ] || fail "LIO backstores left: $out"
  out=$(find "$E2E_SANITY_DIR/node-state" -type f -printf '%f ' 2>/dev/null || true)
  [ -z "$out" ] || fail "driver state files left: $out"
}

# The stack's logs go to the host with the reports (kept beside the console log).
sanity_keep_logs() {
  mountpoint -q "$E2E_OUT" || return 0
  local file
  for file in "$E2E_SANITY_DIR"/*.log; do
    [ -e "$file" ] && cp "$file" "$E2E_OUT/"
  done
  return 0
}

sanity_scenario() {
  run_step sanity_prepare sanity_prepare
  run_step stack_up sanity_node up
  run_step sanity_mount sanity_run mount
  # Block runs also when mount failed (each access type has its own report).
  if [ "$E2E_FAILED" = sanity_mount ]; then
    local mount_reason
    mount_reason=$(cat "$E2E_REASON")
    E2E_FAILED=""
    run_step sanity_block sanity_run block
    E2E_FAILED=sanity_mount
    echo "$mount_reason" >"$E2E_REASON"
  else
    run_step sanity_block sanity_run block
  fi
  run_step array_empty sanity_array_empty
  # The stack always goes down, also after a failure (whose reason is kept for the verdict).
  local failed=$E2E_FAILED reason=""
  [ -z "$failed" ] || reason=$(cat "$E2E_REASON")
  E2E_FAILED=""
  run_step stack_down sanity_node down
  if [ -z "$failed" ]; then
    run_step no_leftovers sanity_no_leftovers
  else
    E2E_FAILED=$failed
    echo "$reason" >"$E2E_REASON"
    echo "E2E-STEP no_leftovers 0.00 skipped"
  fi
  sanity_keep_logs
}
