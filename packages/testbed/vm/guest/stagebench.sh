# The NodeStage benchmark (sourced by the runner with e2e.scenario=stagebench): COUNT + 1 LIO
# targets with CHAP on both portals, then the driver's NodeService (one process, as the node
# plugin runs) stages one volume alone and COUNT volumes at once, each batch unstaged and checked
# for leftovers after it. The per-phase figures go to the host as JSON through the out share
# (dist/vm/guest/stagebench/main.js); this file only prepares the target and runs the steps.

E2E_BENCH_ENTRY=packages/testbed/dist/vm/guest/stagebench/main.js
E2E_BENCH_FILE=$E2E_RUN/bench-volumes.json
E2E_OUT=/out
# The LUNs' backing files, on the guest's ext4 root rather than tmpfs: a loop device over a tmpfs
# file fails WRITE_ZEROES, so every mkfs and ext4 lazy init would zero its blocks through iSCSI,
# which an array (a zvol, ext4) answers without moving the data.
E2E_BENCH_DIR=/var/lib/opencsp-bench

bench_target_up() {
  local count=$1
  [ -r "/repo/$E2E_BENCH_ENTRY" ] || fail "/repo/$E2E_BENCH_ENTRY is missing: run pnpm build on the host"
  mkdir -p "$E2E_OUT"
  mountpoint -q "$E2E_OUT" || mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 out "$E2E_OUT"
  modprobe -a loop configfs target_core_mod iscsi_target_mod target_core_iblock
  # configfs is a module here: mounting it before the target modules load fails silently.
  mountpoint -q /sys/kernel/config || mount -t configfs configfs /sys/kernel/config
  mkdir -p /etc/rtslib-fb-target "$E2E_BENCH_DIR"
  # The volume the lone stage uses plus COUNT for the concurrent one.
  E2E_PORTALS=127.0.0.1:3260,127.0.0.2:3260 E2E_SIZE_BYTES=$((512 * 1024 * 1024)) E2E_BENCH_DIR=$E2E_BENCH_DIR \
    E2E_INITIATOR_IQN=$E2E_INITIATOR_IQN python3 -W ignore "$E2E_GUEST/lio.py" bench $((count + 1)) "$E2E_BENCH_FILE"
  # check_no_leftovers wants a staging path: the parent of every staging directory, never mounted.
  save E2E_STAGING /mnt/bench
  log "$((count + 1)) targets with one LUN each on 127.0.0.1:3260 and 127.0.0.2:3260, CHAP per target"
}

# bench_stage one|many COUNT: one benchmark process; it writes $E2E_OUT/stagebench-<mode>.json.
bench_stage() {
  E2E_BENCH_FILE=$E2E_BENCH_FILE E2E_OUT=$E2E_OUT E2E_REASON_FILE=$E2E_REASON \
    "$E2E_NODE" "/repo/$E2E_BENCH_ENTRY" "$@"
}

bench_target_down() {
  python3 -W ignore "$E2E_GUEST/lio.py" teardown
  losetup -D
  rm -rf "$E2E_BENCH_DIR" "$E2E_BENCH_FILE"
}

stagebench_run() {
  local count=$1
  run_step bench_target_up bench_target_up "$count"
  run_step stage_one bench_stage one 1
  run_step no_leftovers_one check_no_leftovers
  run_step stage_many bench_stage many "$count"
  run_step no_leftovers check_no_leftovers
  run_step target_down bench_target_down
}
