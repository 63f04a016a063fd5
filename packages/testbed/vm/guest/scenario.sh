# The volume lifecycle the VM suite proves (sourced by the runner). The node-side operations are
# pluggable: E2E_OPS=shell runs ops-shell.sh, E2E_OPS=js runs `node <entry> <op>` with the host's
# node binary, where <entry> is a JS file in the repository (the default one implements the ops
# with the same tools; the node service plugs in here). The checks stay the same either way.

E2E_NODE=/opt/hostnode/node

# node_op stage|expand|unstage
node_op() {
  case "$E2E_OPS" in
  shell) "op_$1" ;;
  js)
    [ -r "/repo/$E2E_ENTRY" ] || fail "/repo/$E2E_ENTRY is missing: run pnpm build on the host"
    # shellcheck source=/dev/null
    (set -a && . "$E2E_STATE" && E2E_REASON_FILE=$E2E_REASON exec "$E2E_NODE" "/repo/$E2E_ENTRY" "$1")
    ;;
  *) fail "unknown ops provider $E2E_OPS (shell or js)" ;;
  esac
}

grow_and_expand() {
  save E2E_REQUIRED_BYTES "$E2E_GROW_BYTES"
  E2E_REQUIRED_BYTES=$E2E_GROW_BYTES node_op expand
}

scenario_run() {
  run_step stage node_op stage
  run_step verify_stage check_staged
  run_step stage_again check_stage_again
  run_step write_read check_write_read
  run_step path_failure check_path_failure
  run_step path_restore check_path_restore
  run_step target_grow target_grow
  run_step expand grow_and_expand
  run_step verify_expand check_expanded
  run_step unstage node_op unstage
  run_step no_leftovers check_no_leftovers
  run_step unstage_again check_unstage_again
}
