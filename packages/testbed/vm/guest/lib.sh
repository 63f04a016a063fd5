# Step machinery shared by the guest runner and the shell scenario (sourced, bash).
#
# Every step runs in a subshell with errexit, so a failing command ends the step; steps share
# values through a small state file (save NAME VALUE, read back on the next step). Each step
# prints one marker the host parses:
#   E2E-STEP <name> <seconds> ok|FAIL|skipped
# and the first failure leaves its reason in /run/e2e/reason (printed as E2E-ERROR). Commands are
# reported as written (bash's BASH_COMMAND is unexpanded), so a secret held in a variable never
# reaches the console.

E2E_RUN=/run/e2e
E2E_STATE=$E2E_RUN/state.sh
E2E_REASON=$E2E_RUN/reason
E2E_LAST_ERR=$E2E_RUN/last-error
E2E_FAILED=""
mkdir -p "$E2E_RUN"
[ -e "$E2E_STATE" ] || : >"$E2E_STATE"

# Uptime in centiseconds (/proc/uptime always has two decimals).
now_cs() {
  local up _rest
  read -r up _rest </proc/uptime
  echo "${up/./}"
}

# Centiseconds as seconds with two decimals.
cs_to_s() {
  printf '%d.%02d' $(($1 / 100)) $(($1 % 100))
}

log() {
  echo "e2e: $*"
}

# Records why the current step fails and ends it.
fail() {
  [ -s "$E2E_REASON" ] || echo "$*" >"$E2E_REASON"
  exit 1
}

# Persists a value for later steps (printf %q keeps it one shell word).
save() {
  printf '%s=%q\n' "$1" "$2" >>"$E2E_STATE"
}

# wait_for SECONDS WHAT COMMAND...: polls COMMAND every 0.2 s until it succeeds.
wait_for() {
  local limit=$(($1 * 100)) what=$2
  shift 2
  local start
  start=$(now_cs)
  until "$@" >/dev/null 2>&1; do
    if [ $(($(now_cs) - start)) -ge "$limit" ]; then
      fail "timed out after $((limit / 100)) s waiting for $what"
    fi
    sleep 0.2
  done
}

# run_step NAME COMMAND...: runs one step and prints its marker; skipped after a failure.
run_step() {
  local name=$1
  shift
  if [ -n "$E2E_FAILED" ]; then
    echo "E2E-STEP $name 0.00 skipped"
    return 1
  fi
  local start rc
  start=$(now_cs)
  rm -f "$E2E_REASON" "$E2E_LAST_ERR"
  (
    set -eE -o pipefail
    # Fires on every failing command, also ones errexit ignores: the last one is the fatal one.
    trap 'echo "\"$BASH_COMMAND\" exited $? (line $LINENO)" >"$E2E_LAST_ERR"' ERR
    # shellcheck disable=SC1090
    . "$E2E_STATE"
    "$@"
  )
  rc=$?
  local took
  took=$(cs_to_s $(($(now_cs) - start)))
  if [ "$rc" -eq 0 ]; then
    echo "E2E-STEP $name $took ok"
    return 0
  fi
  if [ ! -s "$E2E_REASON" ]; then
    if [ -s "$E2E_LAST_ERR" ]; then
      echo "$name: $(cat "$E2E_LAST_ERR")" >"$E2E_REASON"
    else
      echo "$name: exited $rc" >"$E2E_REASON"
    fi
  fi
  echo "E2E-ERROR $(cat "$E2E_REASON")"
  echo "E2E-STEP $name $took FAIL"
  E2E_FAILED=$name
  return 1
}

# Reads a key=value argument from the kernel command line (e2e.scenario=js -> js).
cmdline_arg() {
  local word
  # shellcheck disable=SC2013 # the command line is one line of words
  for word in $(cat /proc/cmdline); do
    case "$word" in
    "$1="*) echo "${word#*=}" && return 0 ;;
    esac
  done
  echo "$2"
}

# A random hex string of $1 bytes (CHAP secrets are made per run and never printed).
random_hex() {
  od -An -tx1 -N"$1" /dev/urandom | tr -d ' \n'
}

# substep NAME COMMAND...: times a part of a step (inside a step's subshell) and prints its marker.
substep() {
  local name=$1 start
  shift
  start=$(now_cs)
  "$@"
  echo "E2E-STEP $name $(cs_to_s $(($(now_cs) - start))) ok"
}

# The portals of the volume as an array: read_portals VAR.
read_portals() {
  IFS=, read -ra "$1" <<<"$E2E_PORTALS"
}

# by-path link of a portal's LUN, as udev names it (E2E_* come from the state file).
# shellcheck disable=SC2153
by_path() {
  echo "/dev/disk/by-path/ip-$1-iscsi-$E2E_TARGET_IQN-lun-$E2E_LUN"
}
