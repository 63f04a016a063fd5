# The harness's own checks around the node operations (sourced). They look at the kernel's view
# (sysfs, the session table, the mount table), never at what the op says it did, so they hold for
# the shell ops, the JS entry and later the node service alike.

# "tcp: [SID] PORTAL,TPGT IQN (non-flash)" lines of the sessions to our target.
target_sessions() {
  iscsiadm -m session 2>/dev/null | awk -v iqn="$E2E_TARGET_IQN" '$4 == iqn' || true
}

sessions_to_target() {
  target_sessions | wc -l
}

session_ids() {
  target_sessions | awk '{print $2}' | sort | xargs
}

staging_dm() {
  local source
  source=$(findmnt -n -o SOURCE --mountpoint "$E2E_STAGING") || fail "$E2E_STAGING is not mounted"
  basename "$(readlink -f "$source")"
}

# The names of the paths that exist among the arguments (unmatched globs stay literal and drop out).
names_of() {
  local path
  for path in "$@"; do
    [ -e "$path" ] || [ -L "$path" ] && printf '%s ' "${path##*/}"
  done
  return 0
}

drop_caches() {
  sync
  echo 3 >/proc/sys/vm/drop_caches
}

check_staged() {
  local portals portal sd dm wwid="" this sds="" slaves
  read_portals portals
  [ "$(sessions_to_target)" -eq "${#portals[@]}" ] || fail "expected ${#portals[@]} sessions, found $(sessions_to_target)"
  for portal in "${portals[@]}"; do
    target_sessions | awk -v p="$portal" '$3 ~ "^"p","' | grep -q . || fail "no session on $portal"
    iscsi_node "$portal" | grep -q '^node.startup = manual$' || fail "node.startup of $portal is not manual"
    sd=$(basename "$(readlink -f "$(by_path "$portal")")")
    # VPD page 0x80: a 4-byte header, then the unit serial.
    [ "$(tail -c +5 "/sys/block/$sd/device/vpd_pg80" | tr -d '\0 ')" = "$E2E_LUN_SERIAL" ] ||
      fail "$sd does not carry the LUN's unit serial $E2E_LUN_SERIAL"
    this=$(cat "/sys/block/$sd/device/wwid")
    [ -z "$wwid" ] || [ "$wwid" = "$this" ] || fail "WWID mismatch: $wwid vs $this"
    wwid=$this
    sds="$sds $sd"
  done
  dm=$(staging_dm)
  case "$dm" in dm-*) ;; *) fail "$E2E_STAGING is mounted from $dm, not a multipath map" ;; esac
  grep -q '^mpath-' "/sys/block/$dm/dm/uuid" || fail "$dm is not a multipath map"
  slaves=$(names_of "/sys/block/$dm/slaves"/* | xargs -n1 | sort | xargs)
  [ "$slaves" = "$(echo "$sds" | xargs -n1 | sort | xargs)" ] || fail "$dm has slaves '$slaves', expected '$sds'"
  [ "$(findmnt -n -o FSTYPE --mountpoint "$E2E_STAGING")" = "$E2E_FS_TYPE" ] || fail "staging is not $E2E_FS_TYPE"
  [ "$(findmnt -n --mountpoint "$E2E_STAGING" | wc -l)" -eq 1 ] || fail "staging is mounted more than once"
  save E2E_DM "$dm"
  save E2E_SDS "$(echo "$sds" | xargs)"
  save E2E_SIDS "$(session_ids)"
  save E2E_FS_BYTES "$(df -B1 --output=size "$E2E_STAGING" | tail -n1 | tr -d ' ')"
  log "staged: $dm over $(echo "$sds" | xargs), WWID $wwid"
}

# A second stage with the volume staged must change nothing (CSI idempotency).
check_stage_again() {
  node_op stage
  local sids
  sids=$(session_ids)
  [ "$sids" = "$E2E_SIDS" ] || fail "sessions changed on a repeated stage: $E2E_SIDS -> $sids"
  [ "$(staging_dm)" = "$E2E_DM" ] || fail "staging device changed on a repeated stage"
  [ "$(findmnt -n --mountpoint "$E2E_STAGING" | wc -l)" -eq 1 ] || fail "repeated stage mounted twice"
}

check_write_read() {
  dd if=/dev/urandom of="$E2E_STAGING/data.bin" bs=1M count=8 status=none
  local before after
  before=$(sha256sum <"$E2E_STAGING/data.bin")
  drop_caches
  after=$(sha256sum <"$E2E_STAGING/data.bin")
  [ "$before" = "$after" ] || fail "data read back differs from data written"
  save E2E_DATA_SUM "$before"
}

# "%d %t": the path's device and its dm state (active / failed).
path_state() {
  multipathd show paths raw format "%d %t" | awk -v d="$1" '$1 == d {print $2}'
}

# path_is SD STATE: multipathd shows path SD in STATE now (read anew on each call, so wait_for can poll it).
path_is() {
  [ "$(path_state "$1")" = "$2" ]
}

check_path_failure() {
  local victim survivor pid rc=0
  victim=${E2E_SDS%% *}
  survivor=${E2E_SDS##* }
  dd if=/dev/urandom of="$E2E_STAGING/io.bin" bs=1M count=24 oflag=direct status=none &
  pid=$!
  sleep 0.3
  echo offline >"/sys/block/$victim/device/state"
  # The writer must still be running when the path goes, or this proves nothing.
  kill -0 "$pid" 2>/dev/null || fail "the writer finished before $victim went offline"
  wait "$pid" || rc=$?
  [ "$rc" -eq 0 ] || fail "writes failed (dd exit $rc) while $victim went offline"
  sync
  wait_for 20 "multipath to mark $victim failed" path_is "$victim" failed
  path_is "$survivor" active || fail "the surviving path $survivor is not active"
  drop_caches
  [ "$(sha256sum <"$E2E_STAGING/data.bin")" = "$E2E_DATA_SUM" ] || fail "data differs after the path failure"
  save E2E_IO_SUM "$(sha256sum <"$E2E_STAGING/io.bin")"
  log "I/O went on over $survivor while $victim was offline"
}

both_paths_active() {
  local sd
  for sd in $E2E_SDS; do
    path_is "$sd" active || return 1
  done
}

check_path_restore() {
  local victim=${E2E_SDS%% *}
  echo running >"/sys/block/$victim/device/state"
  wait_for 30 "multipathd to reinstate $victim" both_paths_active
  drop_caches
  [ "$(sha256sum <"$E2E_STAGING/io.bin")" = "$E2E_IO_SUM" ] || fail "data differs after the path came back"
}

check_expanded() {
  local size fs
  size=$(blockdev --getsize64 "/dev/$E2E_DM")
  [ "$size" -eq "$E2E_GROW_BYTES" ] || fail "map is $size bytes, expected $E2E_GROW_BYTES"
  fs=$(df -B1 --output=size "$E2E_STAGING" | tail -n1 | tr -d ' ')
  [ "$fs" -gt $((E2E_FS_BYTES + E2E_GROW_BYTES / 3)) ] || fail "filesystem did not grow: $E2E_FS_BYTES -> $fs"
  drop_caches
  [ "$(sha256sum <"$E2E_STAGING/data.bin")" = "$E2E_DATA_SUM" ] || fail "data differs after the expand"
  log "expanded online: map $size bytes, filesystem $E2E_FS_BYTES -> $fs bytes"
}

check_no_leftovers() {
  local rc=0 left
  udevadm settle --timeout=30
  ! findmnt -n --mountpoint "$E2E_STAGING" >/dev/null || fail "$E2E_STAGING is still mounted"
  left=$(names_of /sys/block/sd* /sys/block/dm-*)
  [ -z "$left" ] || fail "leftover block devices: $left"
  iscsiadm -m session >/dev/null 2>&1 || rc=$?
  [ "$rc" -eq 21 ] || fail "iSCSI sessions remain (iscsiadm -m session exit $rc)"
  rc=0
  iscsiadm -m node >/dev/null 2>&1 || rc=$?
  [ "$rc" -eq 21 ] || fail "iSCSI node records remain (iscsiadm -m node exit $rc)"
  left=$(names_of /dev/mapper/* | xargs -n1 | grep -vx control | xargs || true)
  [ -z "$left" ] || fail "leftover device-mapper nodes: $left"
  left=$(names_of /dev/disk/by-path/*-iscsi-*)
  [ -z "$left" ] || fail "leftover by-path links: $left"
}

check_unstage_again() {
  node_op unstage
  check_no_leftovers
}
