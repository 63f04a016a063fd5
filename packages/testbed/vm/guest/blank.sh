# The driver's rule for a blank device (probeDevice: packages/csi-driver/src/host/blkid.ts and
# device-read.ts), for the shell reference. blkid -p exits 2 when it finds nothing, but also when
# it could not open or read the device, so a device is blank only when blkid -p exits 2 with no
# "error:" on stderr AND its first and last 64 KiB read back with direct I/O (buffered where the
# device refuses O_DIRECT with EINVAL, as the driver does). Anything else fails the step.
# Sourced; uses fail and log (lib.sh).

# read_edge DEV OFFSET: reads 64 KiB of DEV at OFFSET (a multiple of the logical block size).
read_edge() {
  local dev=$1 offset=$2 err flags=direct skip=()
  if [ "$offset" -ne 0 ]; then
    skip=("skip=$offset")
    flags=skip_bytes,direct
  fi
  if err=$(dd if="$dev" of=/dev/null bs=65536 count=1 status=none "${skip[@]}" iflag="$flags" 2>&1); then
    return 0
  fi
  if [[ $err == *"Invalid argument"* ]]; then
    log "$dev refuses direct I/O (${err%%$'\n'*}); reading it through the page cache" >&2
    if err=$(dd if="$dev" of=/dev/null bs=65536 count=1 status=none "${skip[@]}" ${skip:+iflag=skip_bytes} 2>&1); then
      return 0
    fi
  fi
  fail "$dev cannot be read (${err%%$'\n'*}) although blkid found no signature; not formatting it"
}

# probe_device DEV: sets `probed` (declare it local in the caller) to the filesystem type on DEV,
# to "" when DEV is blank by the driver's rule, or to a description of another signature; fails
# the step when blkid reports an error, finds conflicting signatures or an end cannot be read.
probe_device() {
  local dev=$1 out err errfile rc=0 size
  errfile=$(mktemp)
  out=$(blkid -p -s TYPE -o value "$dev" 2>"$errfile") || rc=$?
  err=$(cat "$errfile")
  rm -f "$errfile"
  case $rc in
  0)
    probed=${out:-an unknown signature (a partition table?)}
    ;;
  2)
    if [[ $err == *"error:"* ]]; then
      fail "blkid could not probe $dev ($(grep -m1 'error:' <<<"$err")); not formatting it"
    fi
    read_edge "$dev" 0
    size=$(blockdev --getsize64 "$dev") || fail "$dev cannot be read (blockdev --getsize64 failed) although blkid found no signature; not formatting it"
    if [ "$size" -gt 65536 ]; then
      read_edge "$dev" $((size - 65536))
    fi
    probed=""
    ;;
  8)
    fail "$dev carries several conflicting signatures (blkid exit 8${err:+: ${err%%$'\n'*}}); refusing to format or mount it"
    ;;
  *)
    fail "blkid -p $dev failed with exit $rc${err:+: ${err%%$'\n'*}}"
    ;;
  esac
}
