# The storage array of the VM: a Linux LIO iSCSI target on the guest's own loopback, configured
# with python3-rtslib-fb (targetcli needs D-Bus). One LUN, an iblock backstore on a loop device
# over a sparse file in tmpfs, so the LUN can grow online. Sourced by the runner.

E2E_GUEST=${E2E_GUEST:-/repo/packages/testbed/vm/guest}

# target_up oneway|mutual
target_up() {
  local chap=$1
  case "$chap" in
  oneway | mutual) ;;
  *) fail "unknown CHAP mode $chap (oneway or mutual)" ;;
  esac
  modprobe -a loop configfs target_core_mod iscsi_target_mod target_core_iblock
  # configfs is a module here: mounting it before the target modules load fails silently.
  mountpoint -q /sys/kernel/config || mount -t configfs configfs /sys/kernel/config
  # rtslib keeps persistent-reservation files under its dbroot and refuses to start without it.
  mkdir -p /etc/rtslib-fb-target
  mkdir -p /srv/array
  mountpoint -q /srv/array || mount -t tmpfs -o size=1600M tmpfs /srv/array
  local size=$((512 * 1024 * 1024))
  truncate -s "$size" /srv/array/lun0.img
  local loop
  loop=$(losetup -f --show /srv/array/lun0.img)
  save E2E_LOOP "$loop"
  save E2E_BACKING /srv/array/lun0.img
  save E2E_TARGET_IQN iqn.2003-01.org.linux-iscsi.opencsp-e2e:lun0
  save E2E_PORTALS 127.0.0.1:3260,127.0.0.2:3260
  save E2E_LUN 0
  save E2E_SIZE_BYTES "$size"
  save E2E_GROW_BYTES $((1024 * 1024 * 1024))
  save E2E_FS_TYPE ext4
  save E2E_STAGING /mnt/staging
  save E2E_CHAP_MODE "$chap"
  save E2E_CHAP_USER opencsp-node
  save E2E_CHAP_PASSWORD "$(random_hex 12)"
  if [ "$chap" = mutual ]; then
    save E2E_CHAP_USER_IN opencsp-array
    save E2E_CHAP_PASSWORD_IN "$(random_hex 12)"
  else
    save E2E_CHAP_USER_IN ""
    save E2E_CHAP_PASSWORD_IN ""
  fi
  # shellcheck disable=SC1090
  . "$E2E_STATE"
  # shellcheck source=/dev/null
  (set -a && . "$E2E_STATE" && python3 -W ignore "$E2E_GUEST/lio.py" setup)
  # The LUN's unit serial (VPD page 0x80), what a CSP reports as the volume's serial number.
  local serial
  serial=$(sed -n 's/^T10 VPD Unit Serial Number: //p' /sys/kernel/config/target/core/iblock_*/opencsp_lun0/wwn/vpd_unit_serial)
  [ -n "$serial" ] || fail "LIO reports no unit serial for the LUN"
  save E2E_LUN_SERIAL "$serial"
  log "target $E2E_TARGET_IQN on $E2E_PORTALS, LUN $E2E_LUN serial $serial on $loop ($size bytes), CHAP $chap"
}

# The array side of an expand (what the CSP does): grow the backing file and the loop device.
target_grow() {
  truncate -s "$E2E_GROW_BYTES" "$E2E_BACKING"
  losetup -c "$E2E_LOOP"
  [ "$(blockdev --getsize64 "$E2E_LOOP")" -eq "$E2E_GROW_BYTES" ] || fail "loop device did not grow"
}

target_down() {
  python3 -W ignore "$E2E_GUEST/lio.py" teardown
  losetup -d "$E2E_LOOP"
  rm -f "$E2E_BACKING"
}
