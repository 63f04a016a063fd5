# Brings up the guest's kernel modules, udev, the iSCSI initiator daemon and multipathd (sourced).
# No systemd or D-Bus runs: each daemon is started by hand, as a CSI node's host would have them.

E2E_INITIATOR_IQN=iqn.2025-01.io.opencsp.e2e:node-1

write_multipath_conf() {
  # find_multipaths no: every path gets a map, even a single one (what the node service expects).
  # The blacklist must be multi-line: multipath-tools rejects the one-line form.
  cat >/etc/multipath.conf <<'CONF'
defaults {
    user_friendly_names yes
    find_multipaths no
    polling_interval 2
}
blacklist {
    devnode "^vd[a-z]"
}
CONF
}

system_up() {
  # The target's portals are on the loopback (the VM has no NIC).
  ip link set lo up
  # iscsiadm locks its node database under /run/lock (the /run tmpfs starts empty).
  mkdir -p /run/lock
  modprobe -a iscsi_tcp dm_multipath dm_round_robin dm_service_time scsi_dh_alua sd_mod
  /lib/systemd/systemd-udevd --daemon
  # Coldplug block devices only: a full trigger would load every driver the machine could use
  # (graphics, crypto, kvm), which costs seconds under TCG and nothing here needs.
  udevadm trigger --action=add --subsystem-match=block
  udevadm settle --timeout=60
  echo "InitiatorName=$E2E_INITIATOR_IQN" >/etc/iscsi/initiatorname.iscsi
  save E2E_INITIATOR_IQN "$E2E_INITIATOR_IQN"
  write_multipath_conf
  iscsid
  multipathd
  wait_for 20 "multipathd to answer" multipathd show daemon
  log "iscsiadm $(iscsiadm --version | awk '{print $3}'), multipath-tools $(multipath -h 2>&1 | awk 'NR==1{print $2}'), kernel $(uname -r)"
}

# Printed after a failure, to make the serial log enough to debug from.
system_diagnostics() {
  echo "---- diagnostics ----"
  iscsiadm -m session -P 1 2>&1 | head -40
  multipath -ll 2>&1 | head -20
  lsblk -o NAME,KNAME,TYPE,SIZE,TRAN,MOUNTPOINT 2>&1
  dmesg | tail -30
  echo "---- end of diagnostics ----"
}
