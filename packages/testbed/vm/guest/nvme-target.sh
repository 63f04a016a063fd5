# The NVMe-oF array of the VM: the guest kernel's own nvmet target over TCP, configured through
# configfs the way TrueNAS renders its nvmet.* configuration (plugins/nvmet/kernel.py, see
# docs/research/truenas-nvmet.md): a host entry per host NQN (with DH-CHAP keys when used), one
# subsystem per volume with allow_any_host 0 and the host linked under allowed_hosts, namespace 1
# on a block device with a UUID and NGUID, and two TCP ports (127.0.0.1:4420, 127.0.0.2:4420) that
# offer the subsystem. The namespace lives on a loop device over a sparse file, so it can grow.
# Sourced by the runner.

NVMET=/sys/kernel/config/nvmet

# nvme_target_up plain|dhchap
nvme_target_up() {
  local auth=$1
  case "$auth" in
  plain | dhchap) ;;
  *) fail "unknown NVMe auth mode $auth (plain or dhchap)" ;;
  esac
  modprobe -a loop configfs nvmet nvmet-tcp
  mountpoint -q /sys/kernel/config || mount -t configfs configfs /sys/kernel/config
  [ -d "$NVMET" ] || fail "the nvmet configfs tree is missing (nvmet module?)"
  mkdir -p /srv/array
  mountpoint -q /srv/array || mount -t tmpfs -o size=1600M tmpfs /srv/array
  local size=$((512 * 1024 * 1024)) loop subnqn nsuuid nsnguid hostnqn
  truncate -s "$size" /srv/array/ns1.img
  loop=$(losetup -f --show /srv/array/ns1.img)
  subnqn="nqn.2011-06.com.truenas:uuid:$(cat /proc/sys/kernel/random/uuid):pvc-e2e"
  nsuuid=$(cat /proc/sys/kernel/random/uuid)
  nsnguid=$(cat /proc/sys/kernel/random/uuid)
  hostnqn=$(cat /etc/nvme/hostnqn)
  save E2E_LOOP "$loop"
  save E2E_BACKING /srv/array/ns1.img
  save E2E_SUBNQN "$subnqn"
  save E2E_NSID 1
  save E2E_NS_UUID "$nsuuid"
  save E2E_NGUID "$(echo "$nsnguid" | tr -d -)"
  save E2E_PORTALS 127.0.0.1:4420,127.0.0.2:4420
  save E2E_SIZE_BYTES "$size"
  save E2E_GROW_BYTES $((1024 * 1024 * 1024))
  save E2E_FS_TYPE ext4
  save E2E_STAGING /mnt/staging
  save E2E_AUTH "$auth"
  mkdir "$NVMET/hosts/$hostnqn"
  if [ "$auth" = dhchap ]; then
    # Bidirectional DH-CHAP: the host's key and the controller's key, made per run, never printed.
    local key ctrl
    key=$(nvme gen-dhchap-key --nqn="$hostnqn")
    ctrl=$(nvme gen-dhchap-key --nqn="$subnqn")
    save E2E_DHCHAP_KEY "$key"
    save E2E_DHCHAP_CTRL_KEY "$ctrl"
    echo "$key" >"$NVMET/hosts/$hostnqn/dhchap_key"
    echo "$ctrl" >"$NVMET/hosts/$hostnqn/dhchap_ctrl_key"
    echo 'hmac(sha256)' >"$NVMET/hosts/$hostnqn/dhchap_hash"
  else
    save E2E_DHCHAP_KEY ""
    save E2E_DHCHAP_CTRL_KEY ""
  fi
  local sub="$NVMET/subsystems/$subnqn"
  mkdir "$sub"
  echo 0 >"$sub/attr_allow_any_host"
  echo "$(random_hex 10)" >"$sub/attr_serial"
  ln -s "$NVMET/hosts/$hostnqn" "$sub/allowed_hosts/$hostnqn"
  mkdir "$sub/namespaces/1"
  echo "$loop" >"$sub/namespaces/1/device_path"
  echo "$nsuuid" >"$sub/namespaces/1/device_uuid"
  echo "$nsnguid" >"$sub/namespaces/1/device_nguid"
  echo 1 >"$sub/namespaces/1/enable"
  local i
  for i in 1 2; do
    mkdir "$NVMET/ports/$i"
    echo tcp >"$NVMET/ports/$i/addr_trtype"
    echo ipv4 >"$NVMET/ports/$i/addr_adrfam"
    echo "127.0.0.$i" >"$NVMET/ports/$i/addr_traddr"
    echo 4420 >"$NVMET/ports/$i/addr_trsvcid"
    ln -s "$sub" "$NVMET/ports/$i/subsystems/$subnqn"
  done
  log "nvmet target $subnqn on 127.0.0.1:4420 and 127.0.0.2:4420, NSID 1 on $loop ($size bytes), auth $auth"
}

# Takes a port's offer of the subsystem away (the kernel drops that path's controller) or gives it back.
nvme_port_link() {
  local link="$NVMET/ports/$2/subsystems/$E2E_SUBNQN"
  case "$1" in
  down) rm "$link" ;;
  up) ln -s "$NVMET/subsystems/$E2E_SUBNQN" "$link" ;;
  esac
}

# The array side of an expand (what TrueNAS does on a zvol resize): grow the file, revalidate.
nvme_target_grow() {
  truncate -s "$E2E_GROW_BYTES" "$E2E_BACKING"
  losetup -c "$E2E_LOOP"
  echo 1 >"$NVMET/subsystems/$E2E_SUBNQN/namespaces/1/revalidate_size"
  [ "$(blockdev --getsize64 "$E2E_LOOP")" -eq "$E2E_GROW_BYTES" ] || fail "loop device did not grow"
}

# Undoes the configfs tree in the order the kernel demands, then checks nothing is left.
nvme_target_down() {
  local port link sub ns host
  for port in "$NVMET"/ports/*; do
    [ -d "$port" ] || continue
    for link in "$port"/subsystems/*; do [ -L "$link" ] && rm "$link"; done
    rmdir "$port"
  done
  for sub in "$NVMET"/subsystems/*; do
    [ -d "$sub" ] || continue
    for link in "$sub"/allowed_hosts/*; do [ -L "$link" ] && rm "$link"; done
    for ns in "$sub"/namespaces/*; do [ -d "$ns" ] && rmdir "$ns"; done
    rmdir "$sub"
  done
  for host in "$NVMET"/hosts/*; do [ -d "$host" ] && rmdir "$host"; done
  losetup -d "$E2E_LOOP"
  rm -f "$E2E_BACKING"
  local dir
  for dir in subsystems ports hosts; do
    [ -z "$(ls -A "$NVMET/$dir")" ] || fail "nvmet $dir are left over: $(ls -A "$NVMET/$dir" | xargs)"
  done
}
