"""LIO target setup for the opencsp e2e VM, with python3-rtslib-fb (no targetcli, no D-Bus).

usage: lio.py setup|teardown   (settings come from E2E_* environment variables; secrets are
never printed)
"""

import os
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


def teardown():
    RTSRoot().clear_existing(confirm=True)


def main():
    if len(sys.argv) != 2 or sys.argv[1] not in ("setup", "teardown"):
        sys.exit(__doc__)
    if sys.argv[1] == "setup":
        setup(os.environ)
    else:
        teardown()


if __name__ == "__main__":
    main()
