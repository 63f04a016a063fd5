# The NVMe scenario's own checks (sourced): the kernel's view only (sysfs controllers, namespace
# heads, the mount table), never what the node service says it did.

# Controllers of our subsystem: "name state traddr:trsvcid" lines.
nvme_controllers() {
  local c
  for c in /sys/class/nvme/nvme*; do
    [ -d "$c" ] || continue
    [ "$(cat "$c/subsysnqn")" = "$E2E_SUBNQN" ] || continue
    printf '%s %s %s\n' "$(basename "$c")" "$(cat "$c/state")" \
      "$(sed -E 's/.*traddr=([^,]+).*trsvcid=([0-9]+).*/\1:\2/' "$c/address")"
  done
}

nvme_staging_head() {
  local source
  source=$(findmnt -n -o SOURCE --mountpoint "$E2E_STAGING") || fail "$E2E_STAGING is not mounted"
  basename "$(readlink -f "$source")"
}

nvme_live_paths() {
  nvme_controllers | awk '$2 == "live"' | wc -l
}

# For wait_for, which runs its command again each time (a "$(...)" argument would be read once).
nvme_live_paths_are() {
  [ "$(nvme_live_paths)" -eq "$1" ]
}

nvme_no_controllers() {
  [ -z "$(names_of /sys/class/nvme/nvme*)" ]
}

check_nvme_staged() {
  local portals portal head nguid uuid paths
  read_portals portals
  [ "$(nvme_live_paths)" -eq "${#portals[@]}" ] || fail "expected ${#portals[@]} live controllers, found: $(nvme_controllers | xargs)"
  for portal in "${portals[@]}"; do
    nvme_controllers | awk -v p="$portal" '$3 == p && $2 == "live"' | grep -q . || fail "no live controller on $portal"
  done
  head=$(nvme_staging_head)
  case "$head" in nvme*n*) ;; *) fail "$E2E_STAGING is mounted from $head, not an NVMe namespace" ;; esac
  nvme_capture "$head"
  [ "$(cat "/sys/block/$head/nsid")" -eq "$E2E_NSID" ] || fail "$head is not NSID $E2E_NSID"
  nguid=$(tr -d '\n-' <"/sys/block/$head/nguid")
  [ "$nguid" = "$E2E_NGUID" ] || fail "$head has NGUID $nguid, expected $E2E_NGUID"
  uuid=$(cat "/sys/block/$head/uuid")
  [ "$uuid" = "$E2E_NS_UUID" ] || fail "$head has UUID $uuid, expected $E2E_NS_UUID"
  # Native multipath: one head, one hidden path disk (nvme<S>c<C>n<N>) per controller.
  paths=$(names_of /sys/class/nvme/nvme*/nvme*c*n"$E2E_NSID" | wc -w)
  [ "$paths" -eq "${#portals[@]}" ] || fail "$head has $paths path disks, expected ${#portals[@]}"
  [ -z "$(names_of /dev/nvme*c*n*)" ] || fail "path disks have device nodes: native multipath should hide them"
  [ "$(findmnt -n -o FSTYPE --mountpoint "$E2E_STAGING")" = "$E2E_FS_TYPE" ] || fail "staging is not $E2E_FS_TYPE"
  [ "$(findmnt -n --mountpoint "$E2E_STAGING" | wc -l)" -eq 1 ] || fail "staging is mounted more than once"
  save E2E_HEAD "$head"
  save E2E_CTRLS "$(nvme_controllers | awk '{print $1}' | sort | xargs)"
  save E2E_FS_BYTES "$(df -B1 --output=size "$E2E_STAGING" | tail -n1 | tr -d ' ')"
  log "staged: $head over $(nvme_controllers | awk '{print $1"@"$3}' | xargs), policy $(cat "/sys/class/nvme-subsystem/$(basename "$(readlink -f "/sys/block/$head/device")")/iopolicy" 2>/dev/null || echo ?)"
}

# What the node's sysfs readers see, printed once for the fixtures of the parser tests.
nvme_capture() {
  local head=$1 c s
  echo "e2e-capture: multipath=$(cat /sys/module/nvme_core/parameters/multipath)"
  for s in /sys/class/nvme-subsystem/nvme-subsys*; do
    echo "e2e-capture: $(basename "$s") subsysnqn=$(cat "$s/subsysnqn") entries=$(ls "$s" | xargs)"
  done
  for c in /sys/class/nvme/nvme*; do
    echo "e2e-capture: $(basename "$c") state=$(cat "$c/state") transport=$(cat "$c/transport") address=$(cat "$c/address") entries=$(ls "$c" | grep -E '^nvme' | xargs)"
  done
  echo "e2e-capture: $head nsid=$(cat "/sys/block/$head/nsid") nguid=$(cat "/sys/block/$head/nguid") uuid=$(cat "/sys/block/$head/uuid") wwid=$(cat "/sys/block/$head/wwid") device=$(readlink "/sys/block/$head/device") devsubsysnqn=$(cat "/sys/block/$head/device/subsysnqn" 2>&1) entries=$(ls "/sys/block/$head" | xargs)"
  echo "e2e-capture: /sys/block=$(ls /sys/block | xargs)"
  nvme list-subsys -o json 2>&1 | sed 's/^/e2e-capture-json: /'
}

# nvme_capture_run LABEL CMD...: CMD's output (first 3 lines with E2E_CAPTURE_LINES=3) and exit
# code as e2e-capture-LABEL lines. A failing CMD is the point here, so it does not fail the step
# (run_step's errexit would end it at the first refused connect otherwise).
nvme_capture_run() {
  local label=$1 rc=0 out
  shift
  out=$("$@" 2>&1) || rc=$?
  [ -z "${E2E_CAPTURE_LINES:-}" ] || out=$(head -n "$E2E_CAPTURE_LINES" <<<"$out")
  [ -z "${E2E_CAPTURE_MASK:-}" ] || out=${out//"$E2E_CAPTURE_MASK"/<key>}
  printf '%s\nexit=%s\n' "$out" "$rc" | sed "s/^/e2e-capture-$label: /"
}

# nvme-cli's answers the node's error mapping reads, printed once for its fixtures: a refused
# port, a host the subsystem does not allow, an unknown option, a successful connect and its
# disconnect. Nothing stays connected.
nvme_capture_cli() {
  local nqn=$E2E_SUBNQN host
  host=$(cat /etc/nvme/hostnqn)
  local stranger="nqn.2014-08.org.nvmexpress:uuid:$(cat /proc/sys/kernel/random/uuid)"
  local connect=(nvme connect --transport=tcp --traddr=127.0.0.1)
  nvme_capture_run refused "${connect[@]}" --trsvcid=4999 --nqn="$nqn" --hostnqn="$host"
  nvme_capture_run denied "${connect[@]}" --trsvcid=4420 --nqn="$nqn" --hostnqn="$stranger"
  E2E_CAPTURE_LINES=3 nvme_capture_run usage "${connect[@]}" --bogus-option=1
  if [ "$E2E_AUTH" = plain ]; then
    nvme_capture_run connect "${connect[@]}" --trsvcid=4420 --nqn="$nqn" --hostnqn="$host"
    nvme_capture_run again "${connect[@]}" --trsvcid=4420 --nqn="$nqn" --hostnqn="$host"
    nvme_capture_run disconnect nvme disconnect --device=nvme0
    nvme_capture_run disconnect-again nvme disconnect --device=nvme0
  else
    local wrong
    wrong=$(nvme gen-dhchap-key --nqn="$host")
    E2E_CAPTURE_MASK=$wrong nvme_capture_run badkey "${connect[@]}" --trsvcid=4420 --nqn="$nqn" --hostnqn="$host" --dhchap-secret="$wrong"
  fi
  wait_for 20 "the captured connects to be gone" nvme_no_controllers
}

check_nvme_stage_again() {
  nvme_op stage
  [ "$(nvme_controllers | awk '{print $1}' | sort | xargs)" = "$E2E_CTRLS" ] || fail "controllers changed on a repeated stage"
  [ "$(nvme_staging_head)" = "$E2E_HEAD" ] || fail "staging device changed on a repeated stage"
  [ "$(findmnt -n --mountpoint "$E2E_STAGING" | wc -l)" -eq 1 ] || fail "repeated stage mounted twice"
}

check_nvme_path_failure() {
  local pid rc=0
  dd if=/dev/urandom of="$E2E_STAGING/io.bin" bs=1M count=24 oflag=direct status=none &
  pid=$!
  sleep 0.3
  nvme_port_link down 1
  kill -0 "$pid" 2>/dev/null || fail "the writer finished before the path went"
  wait "$pid" || rc=$?
  [ "$rc" -eq 0 ] || fail "writes failed (dd exit $rc) while the path on 127.0.0.1 was down"
  sync
  wait_for 30 "the controller on 127.0.0.1 to leave live" nvme_live_paths_are 1
  nvme_controllers | awk '$3 == "127.0.0.2:4420" && $2 == "live"' | grep -q . || fail "the path on 127.0.0.2 is not live"
  drop_caches
  [ "$(sha256sum <"$E2E_STAGING/data.bin")" = "$E2E_DATA_SUM" ] || fail "data differs after the path failure"
  save E2E_IO_SUM "$(sha256sum <"$E2E_STAGING/io.bin")"
  nvme_op stats | grep -q 'abnormal=false.*1/2 paths live' || fail "NodeGetVolumeStats did not report 1/2 paths live"
  log "I/O went on over 127.0.0.2 while 127.0.0.1 was gone"
}

check_nvme_path_restore() {
  nvme_port_link up 1
  # The kernel reconnects on its own (reconnect_delay), no node operation involved.
  wait_for 60 "both controllers to be live again" nvme_live_paths_are 2
  drop_caches
  [ "$(sha256sum <"$E2E_STAGING/io.bin")" = "$E2E_IO_SUM" ] || fail "data differs after the path came back"
}

check_nvme_expanded() {
  local size fs
  size=$(blockdev --getsize64 "/dev/$E2E_HEAD")
  [ "$size" -eq "$E2E_GROW_BYTES" ] || fail "namespace is $size bytes, expected $E2E_GROW_BYTES"
  fs=$(df -B1 --output=size "$E2E_STAGING" | tail -n1 | tr -d ' ')
  [ "$fs" -gt $((E2E_FS_BYTES + E2E_GROW_BYTES / 3)) ] || fail "filesystem did not grow: $E2E_FS_BYTES -> $fs"
  drop_caches
  [ "$(sha256sum <"$E2E_STAGING/data.bin")" = "$E2E_DATA_SUM" ] || fail "data differs after the expand"
  log "expanded online: namespace $size bytes, filesystem $E2E_FS_BYTES -> $fs bytes"
}

check_nvme_no_leftovers() {
  local left
  udevadm settle --timeout=30
  ! findmnt -n --mountpoint "$E2E_STAGING" >/dev/null || fail "$E2E_STAGING is still mounted"
  left=$(names_of /sys/class/nvme/nvme* /sys/class/nvme-subsystem/nvme-subsys* /sys/block/nvme*)
  [ -z "$left" ] || fail "leftover NVMe controllers, subsystems or namespaces: $left"
  left=$(names_of /dev/nvme*)
  [ "$(echo "$left" | xargs)" = nvme-fabrics ] || [ -z "$left" ] || fail "leftover NVMe device nodes: $left"
}

check_nvme_unstage_again() {
  nvme_op unstage
  check_nvme_no_leftovers
}

# With DH-CHAP on, a stage with a wrong key must fail as an authentication failure and leave nothing.
check_nvme_wrong_key() {
  [ "$E2E_AUTH" = dhchap ] || return 0
  local out rc=0
  out=$(E2E_WRONG_KEY=$(nvme gen-dhchap-key --nqn="$(cat /etc/nvme/hostnqn)") nvme_op stage 2>&1) || rc=$?
  rm -f "$E2E_REASON"
  [ "$rc" -ne 0 ] || fail "a stage with a wrong DH-CHAP key succeeded"
  echo "$out" | grep -q 'Unauthenticated' || fail "a wrong DH-CHAP key did not fail as Unauthenticated: $(echo "$out" | tail -n1)"
  nvme_op unstage
  check_nvme_no_leftovers
}
