#!/bin/bash
# The e2e runner, exec'd by the image's init as PID 1 (read from the repo share, so it can change
# without rebuilding the image). Kernel command line:
#   e2e.ops=shell|js|sanity who performs the node operations (default shell); sanity runs
#                          csi-sanity against the whole stack instead (sanity.sh)
#   e2e.entry=PATH         JS entry for e2e.ops=js, relative to the repo root
#   e2e.jsops=tools|service with e2e.ops=js: the reference tool calls, or the driver's NodeService
#   e2e.chap=oneway|mutual CHAP flavour of the target and the node records (default oneway)
#   e2e.scenario=iscsi|nvme which volume lifecycle (default iscsi); nvme runs scenario-nvme.sh
#   e2e.auth=plain|dhchap  DH-CHAP of the NVMe target and the node (default plain)
#   e2e.scenario=stagebench the NodeStage benchmark (stagebench.sh) with e2e.count volumes at once
# It prints E2E-STEP markers, then E2E-RESULT PASS|FAIL <reason>, and powers the VM off.

E2E_GUEST=/repo/packages/testbed/vm/guest
# shellcheck source-path=SCRIPTDIR disable=SC1091
. "$E2E_GUEST/lib.sh"
. "$E2E_GUEST/system.sh"
. "$E2E_GUEST/target.sh"
. "$E2E_GUEST/blank.sh"
. "$E2E_GUEST/ops-shell.sh"
. "$E2E_GUEST/checks.sh"
. "$E2E_GUEST/scenario.sh"
. "$E2E_GUEST/sanity.sh"

E2E_OPS=$(cmdline_arg e2e.ops shell)
E2E_ENTRY=$(cmdline_arg e2e.entry packages/testbed/dist/vm/guest/main.js)
E2E_CHAP=$(cmdline_arg e2e.chap oneway)
E2E_JS_OPS=$(cmdline_arg e2e.jsops tools)
export E2E_JS_OPS
E2E_SCENARIO=$(cmdline_arg e2e.scenario iscsi)
E2E_AUTH_MODE=$(cmdline_arg e2e.auth plain)

power_off() {
  sync
  echo o >/proc/sysrq-trigger
  sleep 60
}

echo "E2E-STEP boot $(cs_to_s "$(now_cs)") ok"
run_step system system_up
if [ "$E2E_SCENARIO" = nvme ]; then
  log "scenario=nvme auth=$E2E_AUTH_MODE"
  . "$E2E_GUEST/nvme-system.sh"
  . "$E2E_GUEST/nvme-target.sh"
  . "$E2E_GUEST/nvme-checks.sh"
  . "$E2E_GUEST/scenario-nvme.sh"
  scenario_run
elif [ "$E2E_SCENARIO" = stagebench ]; then
  . "$E2E_GUEST/stagebench.sh"
  stagebench_run "$(cmdline_arg e2e.count 20)"
elif [ "$E2E_OPS" = sanity ]; then
  log "ops=$E2E_OPS chap=$E2E_CHAP"
  sanity_scenario
else
  log "ops=$E2E_OPS jsops=$E2E_JS_OPS chap=$E2E_CHAP"
  run_step target_up target_up "$E2E_CHAP"
  scenario_run
  run_step target_down target_down
fi

if [ -n "$E2E_FAILED" ]; then
  system_diagnostics
  echo "E2E-RESULT FAIL $(head -c 300 "$E2E_REASON" | tr '\n' ' ')"
else
  echo "E2E-RESULT PASS all steps passed in $(cs_to_s "$(now_cs)") s of guest uptime"
fi
power_off
