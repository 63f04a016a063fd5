"""LIO target setup for the opencsp e2e VM, with python3-rtslib-fb (no targetcli, no D-Bus).

usage: lio.py setup|teardown   (settings come from E2E_* environment variables; secrets are
never printed)
       lio.py bench COUNT FILE (COUNT targets for the stage benchmark, written to FILE as JSON)
"""

import json
import os
import secrets
import subprocess
import sys

from rtslib_fb import (
    LUN,
    TPG,
    BlockStorageObject,
    FabricModule,
    MappedLUN,
    NetworkPortal,
    NodeACL,
    RTSRoot,
    Target,
)


def setup(env):
    storage = BlockStorageObject("opencsp_lun0", dev=env["E2E_LOOP"])
    target = Target(FabricModule("iscsi"), env["E2E_TARGET_IQN"])
    tpg = TPG(target, 1)
    for portal in env["E2E_PORTALS"].split(","):
        address, port = portal.rsplit(":", 1)
        NetworkPortal(tpg, address, int(port))
    lun = LUN(tpg, int(env["E2E_LUN"]), storage)
    acl = NodeACL(tpg, env["E2E_INITIATOR_IQN"])
    acl.chap_userid = env["E2E_CHAP_USER"]
    acl.chap_password = env["E2E_CHAP_PASSWORD"]
    if env.get("E2E_CHAP_USER_IN"):
        acl.chap_mutual_userid = env["E2E_CHAP_USER_IN"]
        acl.chap_mutual_password = env["E2E_CHAP_PASSWORD_IN"]
    MappedLUN(acl, int(env["E2E_LUN"]), lun)
    tpg.set_attribute("authentication", "1")
    tpg.set_attribute("generate_node_acls", "0")
    tpg.enable = True


def bench(count, path, env):
    """COUNT targets, each with its own LUN (iblock on a loop device over a sparse file), both
    portals and its own CHAP secret: what a node sees when an array exports one target per volume."""
    portals = env["E2E_PORTALS"].split(",")
    volumes = []
    for i in range(count):
        backing = os.path.join(env["E2E_BENCH_DIR"], "bench-%02d.img" % i)
        with open(backing, "wb") as f:
            f.truncate(int(env["E2E_SIZE_BYTES"]))
        loop = subprocess.run(
            ["losetup", "-f", "--show", backing], check=True, capture_output=True, text=True
        ).stdout.strip()
        storage = BlockStorageObject("bench_%02d" % i, dev=loop)
        iqn = "iqn.2003-01.org.linux-iscsi.opencsp-bench:vol%02d" % i
        tpg = TPG(Target(FabricModule("iscsi"), iqn), 1)
        for portal in portals:
            address, port = portal.rsplit(":", 1)
            NetworkPortal(tpg, address, int(port))
        lun = LUN(tpg, 0, storage)
        acl = NodeACL(tpg, env["E2E_INITIATOR_IQN"])
        user, password = "opencsp-bench-%02d" % i, secrets.token_hex(12)
        acl.chap_userid = user
        acl.chap_password = password
        MappedLUN(acl, 0, lun)
        tpg.set_attribute("authentication", "1")
        tpg.set_attribute("generate_node_acls", "0")
        tpg.enable = True
        volumes.append(
            {
                "id": "bench-%02d" % i,
                "iqn": iqn,
                "lun": 0,
                "serial": storage.wwn,
                "portals": portals,
                "chapUser": user,
                "chapPassword": password,
                "loop": loop,
                "backing": backing,
            }
        )
    with open(path, "w") as f:
        json.dump({"volumes": volumes}, f)


def teardown():
    RTSRoot().clear_existing(confirm=True)


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "bench":
        bench(int(sys.argv[2]), sys.argv[3], os.environ)
        return
    if len(sys.argv) != 2 or sys.argv[1] not in ("setup", "teardown"):
        sys.exit(__doc__)
    if sys.argv[1] == "setup":
        setup(os.environ)
    else:
        teardown()


if __name__ == "__main__":
    main()
