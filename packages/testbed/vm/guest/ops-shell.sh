# The node-side operations done with the real tools in bash: the reference the node service is
# measured against. Each op is idempotent, reads the volume from the E2E_* variables (the same
# ones the JS entry gets in its environment) and is called by scenario.sh through node_op:
#   stage    NodeStageVolume: node records, CHAP, login on every portal, multipath map, mkfs, mount
#   expand   NodeExpandVolume: rescan the paths, resize the map, grow the filesystem
#   unstage  NodeUnstageVolume: umount, flush, remove the map and the SCSI devices, log out, forget
# Sourced; every function runs inside a step's errexit subshell.

iscsi_node() {
  iscsiadm -m node -T "$E2E_TARGET_IQN" -p "$@"
}

# Sendtargets discovery without touching the node database (a default discovery would overwrite
# the records' settings); checks that every portal answers and advertises the target.
stage_discovery() {
  local portal
  for portal in "${portals[@]}"; do
    iscsiadm -m discovery -t sendtargets -p "$portal" -o nonpersistent | grep -q "$E2E_TARGET_IQN" ||
      fail "portal $portal does not advertise $E2E_TARGET_IQN"
  done
}

stage_records() {
  local portal
  for portal in "${portals[@]}"; do
    iscsi_node "$portal" >/dev/null 2>&1 || iscsi_node "$portal" -o new >/dev/null
    iscsi_node "$portal" -o update -n node.startup -v manual
    # Fail I/O over to the other path after 5 s instead of queueing for the default 120 s.
    iscsi_node "$portal" -o update -n node.session.timeo.replacement_timeout -v 5
    iscsi_node "$portal" -o update -n node.session.auth.authmethod -v CHAP
    iscsi_node "$portal" -o update -n node.session.auth.username -v "$E2E_CHAP_USER"
    iscsi_node "$portal" -o update -n node.session.auth.password -v "$E2E_CHAP_PASSWORD"
    if [ -n "$E2E_CHAP_USER_IN" ]; then
      iscsi_node "$portal" -o update -n node.session.auth.username_in -v "$E2E_CHAP_USER_IN"
      iscsi_node "$portal" -o update -n node.session.auth.password_in -v "$E2E_CHAP_PASSWORD_IN"
    fi
  done
}

stage_login() {
  local portal rc
  for portal in "${portals[@]}"; do
    rc=0
    iscsi_node "$portal" --login >/dev/null || rc=$?
    # 15: a session to this portal already exists.
    [ "$rc" -eq 0 ] || [ "$rc" -eq 15 ] || fail "login to $portal failed with iscsiadm exit $rc"
  done
  for portal in "${portals[@]}"; do
    wait_for 30 "the by-path link of $portal" test -b "$(by_path "$portal")"
  done
}

# The sd devices behind the by-path links, one per portal.
path_devices() {
  local portal
  for portal in "${portals[@]}"; do
    basename "$(readlink -f "$(by_path "$portal")")"
  done
}

# The dm device holding sd $1 (empty when none).
holder_of() {
  local holder
  for holder in /sys/block/"$1"/holders/dm-*; do
    [ -e "$holder" ] && basename "$holder" && return 0
  done
  return 0
}

all_paths_in_one_map() {
  local sd dm="" first=""
  for sd in $(path_devices); do
    dm=$(holder_of "$sd")
    [ -n "$dm" ] || return 1
    [ -z "$first" ] || [ "$first" = "$dm" ] || return 1
    first=$dm
  done
  [ -n "$first" ]
}

stage_map() {
  local sd wwid="" this
  for sd in $(path_devices); do
    this=$(/lib/udev/scsi_id -g -u -d "/dev/$sd")
    [ -n "$this" ] || fail "no WWID for /dev/$sd"
    [ -z "$wwid" ] || [ "$wwid" = "$this" ] || fail "paths disagree on the WWID: $wwid vs $this"
    wwid=$this
  done
  # multipathd builds the map from the uevents (find_multipaths no); ask it once if it is slow.
  if ! wait_quietly 10 all_paths_in_one_map; then
    multipath -v2 >/dev/null
    wait_for 30 "one multipath map over all paths" all_paths_in_one_map
  fi
}

# wait_quietly SECONDS COMMAND...: like wait_for but returns 1 instead of failing the step.
wait_quietly() {
  local limit=$(($1 * 100)) start
  shift
  start=$(now_cs)
  until "$@" >/dev/null 2>&1; do
    [ $(($(now_cs) - start)) -lt "$limit" ] || return 1
    sleep 0.2
  done
}

map_device() {
  local sds
  read -ra sds <<<"$(path_devices | xargs)"
  local sd=${sds[0]}
  echo "/dev/mapper/$(cat "/sys/block/$(holder_of "$sd")/dm/name")"
}

# mkfs only on a device blank by the driver's rule (blank.sh: blkid exit 2 alone is also what
# blkid answers for a device it cannot read); another signature is an error, never reformatted.
stage_format() {
  local dev probed
  dev=$(map_device)
  probe_device "$dev"
  if [ -z "$probed" ]; then
    mkfs."$E2E_FS_TYPE" -q "$dev"
  elif [ "$probed" != "$E2E_FS_TYPE" ]; then
    fail "$dev holds $probed, not $E2E_FS_TYPE: refusing to reformat"
  fi
}

stage_mount() {
  local dev source
  dev=$(map_device)
  mkdir -p "$E2E_STAGING"
  source=$(findmnt -n -o SOURCE --mountpoint "$E2E_STAGING" || true)
  if [ -z "$source" ]; then
    mount -t "$E2E_FS_TYPE" "$dev" "$E2E_STAGING"
  elif [ "$(readlink -f "$source")" != "$(readlink -f "$dev")" ]; then
    fail "$E2E_STAGING is already mounted from $source"
  fi
}

op_stage() {
  local portals
  read_portals portals
  substep stage/discovery stage_discovery
  substep stage/node_records stage_records
  substep stage/login stage_login
  substep stage/multipath stage_map
  substep stage/mkfs stage_format
  substep stage/mount stage_mount
}

op_expand() {
  local portals dev sd
  read_portals portals
  dev=$(findmnt -n -o SOURCE --mountpoint "$E2E_STAGING") || fail "$E2E_STAGING is not mounted"
  for sd in $(path_devices); do
    echo 1 >"/sys/block/$sd/device/rescan"
    wait_for 20 "$sd to show the new size" size_at_least "/dev/$sd" "$E2E_REQUIRED_BYTES"
  done
  multipathd resize map "$(basename "$dev")" | grep -q ok || fail "multipathd did not resize $dev"
  wait_for 20 "$dev to show the new size" size_at_least "$dev" "$E2E_REQUIRED_BYTES"
  case "$E2E_FS_TYPE" in
  ext2 | ext3 | ext4) resize2fs "$dev" ;;
  xfs) xfs_growfs "$E2E_STAGING" >/dev/null ;;
  btrfs) btrfs filesystem resize max "$E2E_STAGING" ;;
  *) fail "no online grow for $E2E_FS_TYPE" ;;
  esac
}

size_at_least() {
  [ "$(blockdev --getsize64 "$1")" -ge "$2" ]
}

op_unstage() {
  local portals dev="" sd portal rc sds
  read_portals portals
  if findmnt -n --mountpoint "$E2E_STAGING" >/dev/null; then
    dev=$(findmnt -n -o SOURCE --mountpoint "$E2E_STAGING")
    umount "$E2E_STAGING"
  fi
  sds=$(for portal in "${portals[@]}"; do
    [ -e "$(by_path "$portal")" ] && basename "$(readlink -f "$(by_path "$portal")")"
  done || true)
  for sd in $sds; do
    [ -n "$dev" ] || [ -z "$(holder_of "$sd")" ] || dev="/dev/mapper/$(cat "/sys/block/$(holder_of "$sd")/dm/name")"
  done
  if [ -n "$dev" ] && [ -e "$dev" ]; then
    blockdev --flushbufs "$dev"
    multipath -f "$(basename "$dev")"
  fi
  for sd in $sds; do
    blockdev --flushbufs "/dev/$sd"
    echo 1 >"/sys/block/$sd/device/delete"
  done
  for portal in "${portals[@]}"; do
    rc=0
    iscsi_node "$portal" --logout >/dev/null 2>&1 || rc=$?
    # 21: no session (already logged out).
    [ "$rc" -eq 0 ] || [ "$rc" -eq 21 ] || fail "logout from $portal failed with iscsiadm exit $rc"
    rc=0
    iscsi_node "$portal" -o delete >/dev/null 2>&1 || rc=$?
    [ "$rc" -eq 0 ] || [ "$rc" -eq 21 ] || fail "deleting the node record of $portal failed with exit $rc"
  done
}
