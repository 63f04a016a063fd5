# The NVMe/TCP initiator side of the guest (sourced): nvme-cli, the nvme_tcp module with native
# NVMe multipath, and the host's identity files, as a node that runs opencsp would have them.

nvme_system_up() {
  modprobe -a nvme-core nvme-tcp
  [ "$(cat /sys/module/nvme_core/parameters/multipath)" = Y ] || fail "native NVMe multipath is off (nvme_core.multipath)"
  mkdir -p /etc/nvme
  # gen-hostnqn derives the NQN from the DMI product UUID, all zeros in this VM: use a random one.
  echo "nqn.2014-08.org.nvmexpress:uuid:$(cat /proc/sys/kernel/random/uuid)" >/etc/nvme/hostnqn
  cat /proc/sys/kernel/random/uuid >/etc/nvme/hostid
  log "nvme-cli $(nvme version | awk 'NR==1{print $3}'), host $(cat /etc/nvme/hostnqn), kernel $(uname -r)"
}

nvme_diagnostics() {
  echo "---- nvme diagnostics ----"
  nvme list-subsys 2>&1 | head -40
  for c in /sys/class/nvme/nvme*; do
    [ -d "$c" ] && echo "$(basename "$c") $(cat "$c/state") $(cat "$c/address") $(cat "$c/subsysnqn")"
  done
  ls /sys/block
  dmesg | grep -i nvme | tail -30
  echo "---- end of nvme diagnostics ----"
}
