# The NVMe/TCP volume lifecycle (sourced by the runner for e2e.scenario=nvme): the driver's
# NodeService with its NvmeTransport does the node operations, each in a fresh process (JS entry
# dist/vm/guest/nvme/main.js run with the host's node binary); the checks look at the kernel.

E2E_NODE=/opt/hostnode/node
E2E_NVME_ENTRY=packages/testbed/dist/vm/guest/nvme/main.js

# nvme_op stage|expand|unstage|stats
nvme_op() {
  [ -r "/repo/$E2E_NVME_ENTRY" ] || fail "/repo/$E2E_NVME_ENTRY is missing: run pnpm build on the host"
  # shellcheck source=/dev/null
  # E2E_WRONG_KEY (a test of refusals) replaces the DH-CHAP key the state file holds.
  (
    set -a
    . "$E2E_STATE"
    [ -z "${E2E_WRONG_KEY:-}" ] || E2E_DHCHAP_KEY=$E2E_WRONG_KEY
    E2E_REASON_FILE=$E2E_REASON exec "$E2E_NODE" "/repo/$E2E_NVME_ENTRY" "$1"
  )
}

nvme_write_read() {
  dd if=/dev/urandom of="$E2E_STAGING/data.bin" bs=1M count=8 status=none
  local before after
  before=$(sha256sum <"$E2E_STAGING/data.bin")
  drop_caches
  after=$(sha256sum <"$E2E_STAGING/data.bin")
  [ "$before" = "$after" ] || fail "data read back differs from data written"
  save E2E_DATA_SUM "$before"
}

nvme_grow_and_expand() {
  save E2E_REQUIRED_BYTES "$E2E_GROW_BYTES"
  E2E_REQUIRED_BYTES=$E2E_GROW_BYTES nvme_op expand
}

scenario_run() {
  run_step nvme_system nvme_system_up
  run_step nvme_target_up nvme_target_up "$E2E_AUTH_MODE"
  run_step capture_cli nvme_capture_cli
  run_step wrong_key check_nvme_wrong_key
  run_step stage nvme_op stage
  run_step verify_stage check_nvme_staged
  run_step stage_again check_nvme_stage_again
  run_step write_read nvme_write_read
  run_step path_failure check_nvme_path_failure
  run_step path_restore check_nvme_path_restore
  run_step target_grow nvme_target_grow
  run_step expand nvme_grow_and_expand
  run_step verify_expand check_nvme_expanded
  run_step unstage nvme_op unstage
  run_step no_leftovers check_nvme_no_leftovers
  run_step unstage_again check_nvme_unstage_again
  run_step nvme_target_down nvme_target_down
  [ -z "$E2E_FAILED" ] || nvme_diagnostics
}
