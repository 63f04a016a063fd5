// Generated from openapi.yaml by scripts/generate.mjs (openapi-typescript). Do not edit.
// Run `pnpm generate` after changing the contract; `pnpm verify` fails when this file is stale.

export interface paths {
    "/tokens": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Log in to an array and get a session token.
         * @description Authenticates `username`/`password` against the array (`array_ip`, or the CSP's own array
         *     in direct mode) and returns an opaque `session_token`. The response never echoes the
         *     password. Wrong credentials are 401; an unreachable array is 503. An `array_ip` the CSP's
         *     operator did not configure is 400 before any connection is tried. A CSP may limit failed
         *     logins: it then answers 429 with `Retry-After` without contacting the array (opencsp
         *     addition; a driver that does not know 429 treats it as any other error).
         */
        post: operations["createToken"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/tokens/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Log out.
         * @description Ends the session. `id` is the token's `id` or its `session_token`.
         */
        delete: operations["deleteToken"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/hosts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List the hosts registered by drivers. */
        get: operations["listHosts"];
        put?: never;
        /**
         * Register a host, or update it when its uuid is already known (upsert).
         * @description The driver calls this before every publish, so it must be an upsert keyed by `uuid`:
         *     a second call with the same uuid replaces initiators, networks and CHAP and returns 200.
         *     `iqns` is required unless `wwpns` or `nqns` is given. CHAP credentials are stored but never
         *     returned by `GET /hosts`.
         */
        post: operations["upsertHost"];
        /**
         * Remove a host by its uuid.
         * @description Removing an unknown uuid succeeds (204). A host with published volumes is refused with 409.
         */
        delete: operations["deleteHostByUuid"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/hosts/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Remove a host by its id.
         * @description A host with published volumes is refused with 409.
         */
        delete: operations["deleteHost"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/volumes": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List volumes, or look one up by name.
         * @description With `name`: an array holding the one volume of that name, or **404** when none exists
         *     (not an empty array). Without `name`: every volume this CSP manages.
         *
         *     opencsp addition: with `limit`, at most `limit` volumes are returned and the response
         *     header `x-opencsp-next-token` carries the token for the next page (absent on the last
         *     page). Advertised as the `list_pagination` feature.
         *
         *     opencsp addition (`volume_groups`): with `name` and `volume_group_id`, the name is looked
         *     up among the volumes of that volume group. A CSP may keep volume names unique per volume
         *     group (and among the volumes outside any group) rather than across the array; a driver
         *     that creates volumes in a group passes the group on its lookups. An unknown group is 404.
         */
        get: operations["listVolumes"];
        put?: never;
        /**
         * Create a volume, or clone one from a snapshot.
         * @description Creates a volume of `size` bytes (the CSP may round up to its allocation unit and returns
         *     the real size). With `clone: true` and `base_snapshot_id` the volume is a clone of that
         *     snapshot; `size` may then be omitted (snapshot size) and must not be smaller than the
         *     snapshot. `config` carries the StorageClass parameters in snake_case; a CSP rejects keys
         *     it does not know with 400 naming the key.
         *
         *     Names are unique: a second create with a name in use is 409. A CSP must not leave anything
         *     on the array when create fails.
         *
         *     opencsp addition (`any_volume_name`): a CSP that claims it accepts any `VolumeName` (any CSI
         *     name) and keeps it verbatim: where the array cannot hold the name, the CSP derives a valid
         *     array object name from it (for example a sanitised prefix and a short hash of the name) and
         *     stores the original in the array's own metadata, so that the volume is found again by name
         *     with one lookup of the derived name, and two names never share an array object. A CSP
         *     that does not claim it may refuse names outside `ObjectName` with 400.
         *
         *     `volume_group_id` places the volume in that volume group (404 when unknown). A CSP that
         *     does not claim `volume_groups` answers 400 for a non-empty `volume_group_id`; an empty one
         *     (HPE's driver always sends it) means no group.
         */
        post: operations["createVolume"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/volumes/{id}": {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description The array to act on, for a CSP that serves several arrays (service mode). Must name the
                 *     array the token was issued for; a mismatch is 401.
                 */
                "x-array-ip"?: components["parameters"]["ArrayIp"];
            };
            path: {
                /** @description An object id as returned by the CSP. */
                id: components["parameters"]["ObjectIdPath"];
            };
            cookie?: never;
        };
        /** Get a volume. */
        get: operations["getVolume"];
        /**
         * Expand or edit a volume.
         * @description `size` larger than the current size expands the volume (rounded up to the allocation
         *     unit); a smaller size is 400 (volumes never shrink); the same size is a no-op.
         *     `description` and `config` edit mutable settings; an immutable or unknown config key is 400.
         *
         *     opencsp addition: a CSP lists in `GET /capabilities` `mutable_config_keys` the config keys
         *     this call can change on an existing volume (what backs CSI ControllerModifyVolume). A key
         *     whose value equals the volume's current one changes nothing, so the same PUT sent again is
         *     a no-op; an unknown key, or an immutable key with another value, is 400 naming the key
         *     (`field` `body.config.<key>`) and nothing changes, not even the valid keys of the request.
         *     The volume's `config` in the answer reports the new values.
         */
        put: operations["updateVolume"];
        post?: never;
        /**
         * Delete a volume.
         * @description Refused with 400 while the volume is published (unless `force=true`), and with 409 while
         *     snapshots or clones depend on it. Whether the array really destroys the data is CSP policy
         *     (for example a `destroy_on_delete` config key).
         */
        delete: operations["deleteVolume"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/volumes/{id}/actions/publish": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Give a host access to a volume.
         * @description Maps the volume to the host registered with `host_uuid` and returns what the node needs to
         *     attach it. Publishing to a host that already has access returns the same answer (200).
         *     An unknown volume or host is 404.
         *
         *     opencsp additions, each used by a driver only when the CSP claims it:
         *     - `read_only_per_host`: the CSP records, on the array (so it survives a CSP restart), whether
         *       each host's access is read-only, and answers **409** with reason `ACCESS_MISMATCH` to a
         *       publish of the volume to a host that already has access with a different `read_only`
         *       (absent means false). Nothing changes; unpublish forgets the record.
         *     - `host_volume_limit`: with `host_volume_limit`, a publish that would give the host more
         *       volumes than that is refused with **507** and reason `LIMIT_EXCEEDED`, changing nothing.
         *       A volume the host already has is not counted twice. Concurrent publishes to one host
         *       never exceed the limit.
         */
        put: operations["publishVolume"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/volumes/{id}/actions/unpublish": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Remove a host's access to a volume.
         * @description Unpublishing a host that has no access, or a host the CSP does not know, succeeds (204).
         *     When the last host goes, nobody may reach the volume any more: a CSP must never leave a
         *     target open to every initiator.
         */
        put: operations["unpublishVolume"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/snapshots": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List snapshots of a volume, or look one up by name.
         * @description `volume_id` selects the volume's snapshots (an unknown volume is 404). `name` narrows to
         *     the snapshot of that name (404 when none). `mode=exists` lets the CSP stop at the first
         *     match: the caller only tests whether the array is empty.
         *
         *     HPE CSPs require `volume_id`. An opencsp CSP that advertises `list_all_snapshots` also
         *     accepts a call without it and lists every snapshot it manages; one that does not answers 400.
         */
        get: operations["listSnapshots"];
        put?: never;
        /**
         * Snapshot a volume.
         * @description Snapshot names are unique per volume: a name already used on that volume is 409 (the
         *     driver looks the name up first). An unknown volume is 404.
         */
        post: operations["createSnapshot"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/snapshots/{id}": {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description The array to act on, for a CSP that serves several arrays (service mode). Must name the
                 *     array the token was issued for; a mismatch is 401.
                 */
                "x-array-ip"?: components["parameters"]["ArrayIp"];
            };
            path: {
                /** @description An object id as returned by the CSP. */
                id: components["parameters"]["ObjectIdPath"];
            };
            cookie?: never;
        };
        /** Get a snapshot. */
        get: operations["getSnapshot"];
        put?: never;
        post?: never;
        /**
         * Delete a snapshot.
         * @description Refused with 409 while a volume cloned from it exists, unless the CSP claims
         *     `snapshot_delete_with_clones`: then the delete answers 204 and the snapshot is gone for
         *     every caller (GET answers 404, lists and name lookups omit it), while the array keeps what
         *     its clones need and frees it when the last clone is deleted.
         */
        delete: operations["deleteSnapshot"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/volume_groups": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List volume groups, or look one up by name (404 when absent).
         * @description A CSP that does not support volume groups answers 501 and does not advertise `volume_groups`.
         */
        get: operations["listVolumeGroups"];
        put?: never;
        /** Create a volume group. */
        post: operations["createVolumeGroup"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/volume_groups/{id}": {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description The array to act on, for a CSP that serves several arrays (service mode). Must name the
                 *     array the token was issued for; a mismatch is 401.
                 */
                "x-array-ip"?: components["parameters"]["ArrayIp"];
            };
            path: {
                /** @description An object id as returned by the CSP. */
                id: components["parameters"]["ObjectIdPath"];
            };
            cookie?: never;
        };
        /** Get a volume group. */
        get: operations["getVolumeGroup"];
        put?: never;
        post?: never;
        /** Delete a volume group (409 while it holds volumes). */
        delete: operations["deleteVolumeGroup"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/snapshot_groups": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List the snapshot groups of a volume group.
         * @description An unknown volume group answers an empty list. opencsp addition (`snapshot_groups`):
         *     `name` narrows the list to the snapshot group of that name (404 when there is none), so a
         *     driver can look a name up before it creates.
         */
        get: operations["listSnapshotGroups"];
        put?: never;
        /**
         * Snapshot every volume of a volume group at one point in time.
         * @description Crash-consistent: every volume of the group is snapshotted at the same instant, as a power
         *     loss would leave them (a CSP that cannot do that on its array does not claim
         *     `snapshot_groups`). The group's snapshots are ordinary snapshots: `GET /snapshots/{id}`
         *     shows them and `base_snapshot_id` restores one of them. Snapshot group names are unique
         *     per volume group (409).
         *
         *     opencsp addition: with `volume_ids`, the caller states which volumes it expects the
         *     snapshot group to cover; when the group holds other volumes, or lacks one of them, the
         *     answer is 400 naming `body.volume_ids` and nothing is left on the array (also when a
         *     volume joined the group while the snapshot was taken).
         */
        post: operations["createSnapshotGroup"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/snapshot_groups/{id}": {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description The array to act on, for a CSP that serves several arrays (service mode). Must name the
                 *     array the token was issued for; a mismatch is 401.
                 */
                "x-array-ip"?: components["parameters"]["ArrayIp"];
            };
            path: {
                /** @description An object id as returned by the CSP. */
                id: components["parameters"]["ObjectIdPath"];
            };
            cookie?: never;
        };
        /** Get a snapshot group. */
        get: operations["getSnapshotGroup"];
        put?: never;
        post?: never;
        /**
         * Delete a snapshot group and its snapshots.
         * @description Deletes the snapshot group and every snapshot it still holds. Refused with 409 while a
         *     volume cloned from one of them exists; nothing is deleted then.
         */
        delete: operations["deleteSnapshotGroup"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/replication_partners": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List replication partners, or look one up by name (404 when absent).
         * @description An array without replication answers 200 with an empty list (and 404 for any name).
         */
        get: operations["listReplicationPartners"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/capabilities": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * What this CSP implements beyond the base contract (opencsp addition).
         * @description Lets a driver discover optional features. A plain HPE-style CSP answers 404 here; the
         *     driver then assumes no optional feature. Features are per array, so the call carries the
         *     session token.
         */
        get: operations["getCapabilities"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/capacity": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * How much space new volumes with this config can use (opencsp addition, `capacity`).
         * @description A read-only query (POST only to carry `config` in a body; it changes nothing). Answers for
         *     the pool or parent that a volume created with the same `config` would land in. Backs CSI
         *     GetCapacity. A CSP without the `capacity` feature answers 501.
         */
        post: operations["queryCapacity"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        /** @description The body of every error response. */
        Errors: {
            errors: components["schemas"]["Error"][];
        };
        Error: {
            /**
             * @description The HTTP reason phrase of the status, e.g. "Not Found".
             * @example Not Found
             */
            code: string;
            /** @description What went wrong, for people. Never contains secrets. */
            message: string;
            /**
             * @description Machine-readable cause (opencsp addition).
             * @enum {string}
             */
            reason?: "INVALID_INPUT" | "UNAUTHENTICATED" | "NOT_FOUND" | "NAME_TAKEN" | "ACCESS_MISMATCH" | "HAS_DEPENDENTS" | "PUBLISHED" | "OUT_OF_SPACE" | "LIMIT_EXCEEDED" | "UNAVAILABLE" | "TIMEOUT" | "NOT_IMPLEMENTED" | "INTERNAL" | "RATE_LIMITED";
            /** @description The request field at fault, for 400 (opencsp addition). */
            field?: string;
        };
        /**
         * @description An opaque CSP object id. Drivers store it verbatim (it becomes the CSI volume or snapshot id).
         * @example tank~k8s~pvc-2c8f1a8e-0f6b-4c1d-9b7e-3f0a2b1c4d5e
         */
        ObjectId: string;
        /**
         * @description A snapshot or group name chosen by the orchestrator (CSI `name`).
         * @example pvc-2c8f1a8e-0f6b-4c1d-9b7e-3f0a2b1c4d5e
         */
        ObjectName: string;
        /**
         * @description A volume name chosen by the orchestrator (CSI `name`): any Unicode text of at most 128
         *     characters (CSI: 128 bytes of UTF-8) without the control characters CSI bans (U+0000-U+0008,
         *     U+000B, U+000C, U+000E-U+001F, U+007F-U+009F). Kubernetes sends `pvc-<uuid>`; other
         *     orchestrators send anything. CSPs that do not claim `any_volume_name` may refuse names
         *     outside `ObjectName` with 400 (see `POST /volumes`).
         * @example pvc-2c8f1a8e-0f6b-4c1d-9b7e-3f0a2b1c4d5e
         * @example sanity-max-attach-limit-vol+1-6535ff30
         */
        VolumeName: string;
        /** @description The host's stable identity (the CSI node id). */
        HostUuid: string;
        /**
         * Format: int64
         * @description Bytes.
         */
        Size: number;
        /** Format: int64 */
        EpochSeconds: number;
        /**
         * @description CSP-specific settings: the StorageClass parameters with keys in snake_case. Values are
         *     strings as Kubernetes delivers them; a CSP may also accept numbers and booleans.
         * @example {
         *       "volblocksize": "16K",
         *       "compression": "LZ4"
         *     }
         */
        Config: {
            [key: string]: string | number | boolean;
        };
        /**
         * @description An iSCSI qualified name (or EUI/NAA name).
         * @example iqn.1993-08.org.debian:01:4f2a7b3c9d1e
         */
        Iqn: string;
        /** @description A host NIC address with prefix length, e.g. 10.0.0.5/24. */
        Cidr: string;
        /**
         * @description How the host attaches the volume: `iscsi`, or `nvmetcp` (NVMe over TCP, HPE's spelling)
         *     where the array offers it; `fc` and `nfs` are reserved. A CSP lists what it serves in
         *     `GET /capabilities` (`access_protocols`) and refuses any other protocol with 400 naming
         *     `access_protocol`.
         * @enum {string}
         */
        AccessProtocol: "iscsi" | "fc" | "nvmetcp" | "nfs";
        /**
         * @description An NVMe qualified name (`nqn.YYYY-MM.<reverse domain>:...` or `nqn.2014-08.org.nvmexpress:uuid:<uuid>`).
         * @example nqn.2014-08.org.nvmexpress:uuid:4c4c4544-0035-4b10-8044-b7c04f4d4e32
         */
        Nqn: string;
        /** @description An NVMe DH-CHAP secret in the `nvme gen-dhchap-key` representation. Never returned or logged. */
        DhchapKey: string;
        TokenRequest: {
            /** @description Ignored on input. */
            id?: string;
            username: string;
            /** @description Password or API key. Never returned, logged or stored by the CSP. */
            password: string;
            /** @description The array to log in to (service mode). Empty or absent means the CSP's configured array. */
            array_ip?: string;
            /** @description Ignored on input. */
            session_token?: string;
        };
        Token: {
            /** @description Token id, for `DELETE /tokens/{id}`. */
            id?: string;
            username?: string;
            array_ip?: string;
            /** @description Opaque; send it as `x-auth-token`. */
            session_token: string;
            creation_time?: components["schemas"]["EpochSeconds"];
            expiry_time?: components["schemas"]["EpochSeconds"];
        };
        HostRequest: {
            /** @description Ignored on input. */
            id?: string;
            /** @description A readable name (usually the node name). Defaults to `uuid`. */
            name?: string;
            uuid: components["schemas"]["HostUuid"];
            iqns?: components["schemas"]["Iqn"][];
            wwpns?: string[];
            /** @description NVMe host NQNs (HPE field). Required to publish over `nvmetcp`. */
            nqns?: components["schemas"]["Nqn"][];
            networks?: components["schemas"]["Cidr"][];
            /** @description CHAP user the host logs in with; empty means no CHAP. */
            chap_user?: string;
            /** @description CHAP secret (most arrays want 12 to 16 characters). Never returned. */
            chap_password?: string;
            /**
             * @description Mutual CHAP (opencsp addition): the user the target presents to the host. Needs
             *     `chap_user`. Empty means one-way CHAP.
             */
            chap_mutual_user?: string;
            /** @description Mutual CHAP secret the target presents. Never returned. */
            chap_mutual_password?: string;
            /**
             * @description NVMe DH-CHAP (opencsp addition, feature `dhchap`): the secret the host presents when it
             *     connects over `nvmetcp`. Absent means no DH-CHAP. Never returned.
             */
            dhchap_key?: components["schemas"]["DhchapKey"];
            /**
             * @description Bidirectional DH-CHAP: the secret the array's controller presents back to the host.
             *     Needs `dhchap_key`. Never returned.
             */
            dhchap_ctrl_key?: components["schemas"]["DhchapKey"];
            access_protocol?: components["schemas"]["AccessProtocol"];
            virtual_domain?: string;
        };
        Host: {
            id: string;
            name?: string;
            uuid: components["schemas"]["HostUuid"];
            iqns?: string[];
            wwpns?: string[];
            nqns?: string[];
            networks?: string[];
            chap_user?: string;
            /** @description True when the host was registered with a DH-CHAP key (the key itself is never returned). */
            dhchap?: boolean;
            access_protocol?: string;
            virtual_domain?: string;
        };
        VolumeCreateRequest: {
            /** @description Ignored on input. */
            id?: string;
            name: components["schemas"]["VolumeName"];
            /** @description Requested bytes. Required unless cloning from a snapshot. */
            size?: components["schemas"]["Size"];
            description?: string;
            /** @description With `base_snapshot_id`, create the volume as a clone of that snapshot. */
            clone?: boolean;
            /** @description The snapshot to clone (requires `clone`). Empty means none. */
            base_snapshot_id?: components["schemas"]["ObjectId"] | "";
            /** @description Informational; ignored by opencsp CSPs. */
            parent_volume_id?: string;
            config?: components["schemas"]["Config"];
            /** @description Volume group to join. Empty means none (HPE's driver always sends it). */
            volume_group_id?: string;
            /** @description The volume may be published to more than one host at once. */
            multi_initiator?: boolean;
            /** @description Reserved; must be false or absent. */
            encrypted?: boolean;
            /**
             * @description The protocol the volume will be published over (opencsp addition). A CSP that prepares
             *     protocol objects when it creates a volume (TrueNAS: an iSCSI target or an NVMe
             *     subsystem) uses it; one that decides at publish ignores it. Absent means `iscsi`. A
             *     protocol the CSP does not serve is 400 naming `access_protocol`.
             */
            access_protocol?: components["schemas"]["AccessProtocol"];
        };
        VolumeUpdateRequest: {
            /** @description Ignored on input (must match the path when given). */
            id?: string;
            /** @description Ignored on input; names are immutable. */
            name?: string;
            size?: components["schemas"]["Size"];
            description?: string;
            config?: components["schemas"]["Config"];
            volume_group_id?: string;
        };
        Volume: {
            id: components["schemas"]["ObjectId"];
            name: string;
            size: components["schemas"]["Size"];
            description?: string;
            /** @description True while any host has access. */
            published: boolean;
            /** @description The snapshot this volume was cloned from, if any. */
            base_snapshot_id?: string;
            clone?: boolean;
            config?: components["schemas"]["Config"];
            volume_group_id?: string;
            /** @description Device serial/WWN suffix the node matches the attached device against. */
            serial_number?: string;
            /** @description The protocol the volume is published over (`iscsi`, `nvmetcp`). */
            access_protocol?: string;
            /** Format: int64 */
            used_bytes?: number;
            /** Format: int64 */
            free_bytes?: number;
            creation_time?: components["schemas"]["EpochSeconds"];
            /**
             * @deprecated
             * @description Older spelling of `published`.
             */
            in_use?: boolean;
            health?: components["schemas"]["VolumeHealth"];
            /**
             * @description opencsp `published_nodes`: for each host the volume is published to, the `node_id` its
             *     publish named (the host's `uuid` when the publish named none), read from the array's
             *     access state. Backs CSI ListVolumes' published node ids.
             */
            published_nodes?: string[];
        };
        /** @description Backs CSI volume condition (opencsp `volume_health`). */
        VolumeHealth: {
            abnormal: boolean;
            message: string;
        };
        PublishOptions: {
            host_uuid: components["schemas"]["HostUuid"];
            /**
             * @description The orchestrator's id of the host's node (the CSI node id), which may hold more than the
             *     host's `uuid`. A CSP that claims `published_nodes` keeps it on the array with the
             *     volume's access and reports it in `published_nodes`; others ignore it.
             */
            node_id?: string;
            access_protocol?: components["schemas"]["AccessProtocol"];
            /**
             * @description The host's access is read-only (opencsp addition; default false). Enforced at the array
             *     by CSPs that claim `read_only_publish`, recorded per host by CSPs that claim
             *     `read_only_per_host`; the node mounts it read-only either way.
             */
            read_only?: boolean;
            /**
             * @description The most volumes this host may have published, this one included (opencsp
             *     `host_volume_limit`; the CSI node's `max_volumes_per_node`). Absent: no limit.
             */
            host_volume_limit?: number;
        };
        UnpublishOptions: {
            host_uuid: components["schemas"]["HostUuid"];
        };
        PublishInfo: {
            /**
             * @description Device serial the node verifies every path against. iSCSI: the NAA/WWN hex digits
             *     without a `0x` prefix, or the unit serial. `nvmetcp`: the namespace NGUID as 32 hex
             *     digits without dashes (what HPE's node compares with the namespace's `nguid`).
             */
            serial_number: string;
            access_protocol: components["schemas"]["AccessProtocol"];
            /** @description The iSCSI LUN (0-16383), or the NVMe namespace id (NSID, 1 or more) for `nvmetcp`. */
            lun_id: number;
            /**
             * @description Target IQNs (iSCSI), or the NVMe subsystem NQN (`nvmetcp`, one element). Drivers also
             *     accept one CSV string as the only element.
             */
            target_names: string[];
            /**
             * @description Portals, `ip` or `ip:port` (IPv6 as `[addr]:port`). The default port is 3260 for iSCSI
             *     and 4420 (NVMe/TCP I/O port) for `nvmetcp`, where the node connects to every entry.
             */
            discovery_ips: string[];
            /**
             * @description `nvmetcp` (opencsp addition): the namespace UUID, which the node checks besides the
             *     NGUID in `serial_number` before it uses the device.
             */
            namespace_uuid?: string;
            /**
             * @description `nvmetcp` (opencsp addition): whether the array demands DH-CHAP from this host
             *     (`host`), also authenticates itself to it (`bidirectional`), or neither. The node takes
             *     the secrets from its own StorageClass secret, never from here.
             * @enum {string}
             */
            dhchap?: "none" | "host" | "bidirectional";
            /** @description Present when the host was registered with CHAP. */
            chap_user?: string;
            /** @description Present when the host was registered with CHAP (HPE compatibility). opencsp nodes take CHAP from their own secret. */
            chap_password?: string;
            /**
             * @description `volume`: the target holds only this volume's LUN, so the node logs out on unstage.
             *     `group`: the target is shared, so the node only removes this LUN's devices.
             * @enum {string}
             */
            target_scope?: "volume" | "group";
            /** @description The same LUN on a peer array (HPE peer persistence). Literal capitalised key. */
            PeerArrayDetails?: {
                lun_id?: number;
                target_names?: string[];
                discovery_ips?: string[];
            }[];
        };
        SnapshotCreateRequest: {
            /** @description Ignored on input. */
            id?: string;
            name: components["schemas"]["ObjectName"];
            volume_id: components["schemas"]["ObjectId"];
            description?: string;
            config?: components["schemas"]["Config"];
        };
        Snapshot: {
            id: components["schemas"]["ObjectId"];
            name: string;
            description?: string;
            volume_id: components["schemas"]["ObjectId"];
            volume_name?: string;
            size: components["schemas"]["Size"];
            creation_time: components["schemas"]["EpochSeconds"];
            ready_to_use: boolean;
            /** @description True while a clone depends on the snapshot (delete would be refused). */
            in_use?: boolean;
            config?: components["schemas"]["Config"];
        };
        VolumeGroupCreateRequest: {
            name: components["schemas"]["ObjectName"];
            description?: string;
            config?: components["schemas"]["Config"];
        };
        VolumeGroup: {
            id: components["schemas"]["ObjectId"];
            name: string;
            description?: string;
            config?: components["schemas"]["Config"];
            volumes?: components["schemas"]["ObjectId"][];
            creation_time?: components["schemas"]["EpochSeconds"];
        };
        SnapshotGroupCreateRequest: {
            name: components["schemas"]["ObjectName"];
            volume_group_id: components["schemas"]["ObjectId"];
            config?: components["schemas"]["Config"];
            /** @description The volumes the caller expects the snapshot group to cover (see `POST /snapshot_groups`). */
            volume_ids?: components["schemas"]["ObjectId"][];
        };
        SnapshotGroup: {
            id: components["schemas"]["ObjectId"];
            name: string;
            volume_group_id: components["schemas"]["ObjectId"];
            volume_group_name?: string;
            /** @description One snapshot per volume the group held when it was taken (fewer if some were deleted since). */
            snapshots?: components["schemas"]["Snapshot"][];
            creation_time?: components["schemas"]["EpochSeconds"];
            config?: components["schemas"]["Config"];
        };
        ReplicationPartner: {
            id: components["schemas"]["ObjectId"];
            name: string;
            /** @enum {string} */
            repl_role?: "upstream" | "downstream" | "none" | "bi_directional";
            is_alive?: boolean;
        };
        Capabilities: {
            /**
             * @description The opencsp contract version this CSP implements.
             * @example 1.1.0
             */
            contract_version: string;
            /** @description Who this CSP is, for logs and support. */
            provider?: {
                /** @example truenas */
                name?: string;
                version?: string;
                array_model?: string;
                array_version?: string;
            };
            access_protocols: components["schemas"]["AccessProtocol"][];
            /**
             * @description Each optional feature and whether this CSP implements it. Features added after contract
             *     1.1.0 may be absent, which means false.
             */
            features: {
                /** @description `POST /capacity`. */
                capacity: boolean;
                /** @description `health` on volumes. */
                volume_health: boolean;
                /** @description `limit` + `starting_token` on lists. */
                list_pagination: boolean;
                /** @description `GET /snapshots` without `volume_id`. */
                list_all_snapshots: boolean;
                /** @description `/volume_groups`, `volume_group_id` on create and on lookups by name. */
                volume_groups: boolean;
                /** @description `/snapshot_groups`: crash-consistent snapshots of every volume of a group. */
                snapshot_groups: boolean;
                replication: boolean;
                /** @description Honours host CHAP credentials on publish. */
                chap: boolean;
                /** @description Volumes can grow while published. */
                expand_online: boolean;
                /** @description Enforces `read_only` on publish at the array. */
                read_only_publish: boolean;
                /** @description Volumes carry `published_nodes`, kept on the array from each publish's `node_id`. */
                published_nodes?: boolean;
                /**
                 * @description Honours host DH-CHAP keys (`dhchap_key`, `dhchap_ctrl_key`) for `nvmetcp`. Optional
                 *     in the answer (added after 1.1.0): absent means false.
                 */
                dhchap?: boolean;
                /** @description Records each host's `read_only` on the array; a publish with a different one is 409. */
                read_only_per_host?: boolean;
                /** @description Honours `host_volume_limit` on publish (507 when the host is full). */
                host_volume_limit?: boolean;
                /** @description Accepts any `VolumeName` and keeps it, deriving array object names itself. */
                any_volume_name?: boolean;
                /**
                 * @description `DELETE /snapshots/{id}` of a snapshot with clones answers 204 (instead of 409): the
                 *     snapshot disappears from every read, and what the clones need stays on the array
                 *     until the last of them is deleted.
                 */
                snapshot_delete_with_clones?: boolean;
            };
            /** @description Array limits a driver can plan with. Absent means unknown. */
            limits?: {
                /** Format: int64 */
                max_volume_size?: number;
                /** Format: int64 */
                min_volume_size?: number;
                max_volumes?: number;
                max_snapshots_per_volume?: number;
                /** @description Sizes are rounded up to a multiple of this. */
                size_granularity?: number;
            };
            /** @description The `config` keys this CSP accepts on create. */
            config_keys?: string[];
            /**
             * @description The `config` keys `PUT /volumes/{id}` can change on an existing volume (CSI
             *     ControllerModifyVolume). Absent: unknown (an HPE-style CSP); empty: none.
             */
            mutable_config_keys?: string[];
        };
        CapacityQuery: {
            config?: components["schemas"]["Config"];
        };
        Capacity: {
            /**
             * Format: int64
             * @description Bytes a new volume with this config can use.
             */
            available_bytes: number;
            /** Format: int64 */
            total_bytes?: number;
            /** Format: int64 */
            maximum_volume_size?: number;
            /** Format: int64 */
            minimum_volume_size?: number;
        };
    };
    responses: {
        /** @description Malformed or invalid input; nothing was changed. The message names the field. */
        BadRequest: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "errors": [
                 *         {
                 *           "code": "Bad Request",
                 *           "message": "body/size must be >= 1"
                 *         }
                 *       ]
                 *     }
                 */
                "application/json": components["schemas"]["Errors"];
            };
        };
        /** @description Missing, unknown or expired token, or wrong credentials at login. */
        Unauthorized: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "errors": [
                 *         {
                 *           "code": "Unauthorized",
                 *           "message": "session token is missing or expired"
                 *         }
                 *       ]
                 *     }
                 */
                "application/json": components["schemas"]["Errors"];
            };
        };
        /** @description No such object. */
        NotFound: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "errors": [
                 *         {
                 *           "code": "Not Found",
                 *           "message": "volume pvc-1234 not found"
                 *         }
                 *       ]
                 *     }
                 */
                "application/json": components["schemas"]["Errors"];
            };
        };
        /**
         * @description The object exists already, something depends on it, or (publish) the host already has the
         *     volume with other access (`ACCESS_MISMATCH`).
         */
        Conflict: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "errors": [
                 *         {
                 *           "code": "Conflict",
                 *           "message": "snapshot snap-1 has dependent clones",
                 *           "reason": "HAS_DEPENDENTS"
                 *         }
                 *       ]
                 *     }
                 */
                "application/json": components["schemas"]["Errors"];
            };
        };
        /** @description The CSP or the array failed. */
        InternalError: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Errors"];
            };
        };
        /** @description The CSP does not implement this optional operation. */
        NotImplemented: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Errors"];
            };
        };
        /**
         * @description Too many failed logins for this array or user, or the array refuses the CSP's address
         *     (e.g. DSM Auto Block); the array was not contacted. Retry after `Retry-After` seconds
         *     (opencsp addition; HPE CSPs never answer 429).
         */
        TooManyRequests: {
            headers: {
                /** @description Seconds until the next login attempt is allowed. */
                "Retry-After"?: number;
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "errors": [
                 *         {
                 *           "code": "Too Many Requests",
                 *           "message": "too many failed logins for csi on nas.example:5001; retry in 840 s",
                 *           "reason": "RATE_LIMITED"
                 *         }
                 *       ]
                 *     }
                 */
                "application/json": components["schemas"]["Errors"];
            };
        };
        /** @description The array cannot be reached or is busy; retry later. */
        Unavailable: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Errors"];
            };
        };
        /** @description Out of space, or an array object limit was reached (opencsp addition; HPE CSPs answer 500). */
        InsufficientStorage: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "errors": [
                 *         {
                 *           "code": "Insufficient Storage",
                 *           "message": "pool tank has 1 GiB free, 10 GiB requested",
                 *           "reason": "OUT_OF_SPACE"
                 *         }
                 *       ]
                 *     }
                 */
                "application/json": components["schemas"]["Errors"];
            };
        };
    };
    parameters: {
        /**
         * @description The array to act on, for a CSP that serves several arrays (service mode). Must name the
         *     array the token was issued for; a mismatch is 401.
         */
        ArrayIp: string;
        /** @description An object id as returned by the CSP. */
        ObjectIdPath: components["schemas"]["ObjectId"];
        TokenId: string;
        /** @description opencsp `list_pagination`; page size. */
        Limit: number;
        /** @description opencsp `list_pagination`; the `x-opencsp-next-token` of the previous page. */
        StartingToken: string;
    };
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    createToken: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["TokenRequest"];
            };
        };
        responses: {
            /** @description Logged in. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Token"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
    deleteToken: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description The array to act on, for a CSP that serves several arrays (service mode). Must name the
                 *     array the token was issued for; a mismatch is 401.
                 */
                "x-array-ip"?: components["parameters"]["ArrayIp"];
            };
            path: {
                id: components["parameters"]["TokenId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Logged out. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            500: components["responses"]["InternalError"];
        };
    };
    listHosts: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description The array to act on, for a CSP that serves several arrays (service mode). Must name the
                 *     array the token was issued for; a mismatch is 401.
                 */
                "x-array-ip"?: components["parameters"]["ArrayIp"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Every host this CSP manages on the array. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Host"][];
                };
            };
            401: components["responses"]["Unauthorized"];
            500: components["responses"]["InternalError"];
        };
    };
    upsertHost: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description The array to act on, for a CSP that serves several arrays (service mode). Must name the
                 *     array the token was issued for; a mismatch is 401.
                 */
                "x-array-ip"?: components["parameters"]["ArrayIp"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["HostRequest"];
            };
        };
        responses: {
            /** @description The host as stored. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Host"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            500: components["responses"]["InternalError"];
        };
    };
    deleteHostByUuid: {
        parameters: {
            query: {
                /** @description The host's `uuid` (the CSI node id). */
                uuid: components["schemas"]["HostUuid"];
            };
            header?: {
                /**
                 * @description The array to act on, for a CSP that serves several arrays (service mode). Must name the
                 *     array the token was issued for; a mismatch is 401.
                 */
                "x-array-ip"?: components["parameters"]["ArrayIp"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Removed, or was not there. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            409: components["responses"]["Conflict"];
            500: components["responses"]["InternalError"];
        };
    };
    deleteHost: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description The array to act on, for a CSP that serves several arrays (service mode). Must name the
                 *     array the token was issued for; a mismatch is 401.
                 */
                "x-array-ip"?: components["parameters"]["ArrayIp"];
            };
            path: {
                /** @description An object id as returned by the CSP. */
                id: components["parameters"]["ObjectIdPath"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Removed. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            500: components["responses"]["InternalError"];
        };
    };
    listVolumes: {
        parameters: {
            query?: {
                name?: components["schemas"]["VolumeName"];
                /** @description opencsp `volume_groups`; the scope of a lookup by `name`. */
                volume_group_id?: components["schemas"]["ObjectId"];
                /** @description opencsp `list_pagination`; page size. */
                limit?: components["parameters"]["Limit"];
                /** @description opencsp `list_pagination`; the `x-opencsp-next-token` of the previous page. */
                starting_token?: components["parameters"]["StartingToken"];
            };
            header?: {
                /**
                 * @description The array to act on, for a CSP that serves several arrays (service mode). Must name the
                 *     array the token was issued for; a mismatch is 401.
                 */
                "x-array-ip"?: components["parameters"]["ArrayIp"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Matching volumes. */
            200: {
                headers: {
                    /** @description Token for the next page (opencsp `list_pagination`). */
                    "x-opencsp-next-token"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Volume"][];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            500: components["responses"]["InternalError"];
        };
    };
    createVolume: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description The array to act on, for a CSP that serves several arrays (service mode). Must name the
                 *     array the token was issued for; a mismatch is 401.
                 */
                "x-array-ip"?: components["parameters"]["ArrayIp"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["VolumeCreateRequest"];
            };
        };
        responses: {
            /** @description The created volume. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Volume"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            500: components["responses"]["InternalError"];
            507: components["responses"]["InsufficientStorage"];
        };
    };
    getVolume: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description The array to act on, for a CSP that serves several arrays (service mode). Must name the
                 *     array the token was issued for; a mismatch is 401.
                 */
                "x-array-ip"?: components["parameters"]["ArrayIp"];
            };
            path: {
                /** @description An object id as returned by the CSP. */
                id: components["parameters"]["ObjectIdPath"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The volume. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Volume"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            500: components["responses"]["InternalError"];
        };
    };
    updateVolume: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description The array to act on, for a CSP that serves several arrays (service mode). Must name the
                 *     array the token was issued for; a mismatch is 401.
                 */
                "x-array-ip"?: components["parameters"]["ArrayIp"];
            };
            path: {
                /** @description An object id as returned by the CSP. */
                id: components["parameters"]["ObjectIdPath"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["VolumeUpdateRequest"];
            };
        };
        responses: {
            /** @description The updated volume. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Volume"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            500: components["responses"]["InternalError"];
            507: components["responses"]["InsufficientStorage"];
        };
    };
    deleteVolume: {
        parameters: {
            query?: {
                /** @description Unpublish from every host first instead of refusing a published volume. */
                force?: boolean;
            };
            header?: {
                /**
                 * @description The array to act on, for a CSP that serves several arrays (service mode). Must name the
                 *     array the token was issued for; a mismatch is 401.
                 */
                "x-array-ip"?: components["parameters"]["ArrayIp"];
            };
            path: {
                /** @description An object id as returned by the CSP. */
                id: components["parameters"]["ObjectIdPath"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            500: components["responses"]["InternalError"];
        };
    };
    publishVolume: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description The array to act on, for a CSP that serves several arrays (service mode). Must name the
                 *     array the token was issued for; a mismatch is 401.
                 */
                "x-array-ip"?: components["parameters"]["ArrayIp"];
            };
            path: {
                /** @description An object id as returned by the CSP. */
                id: components["parameters"]["ObjectIdPath"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PublishOptions"];
            };
        };
        responses: {
            /** @description How the host reaches the volume. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PublishInfo"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            500: components["responses"]["InternalError"];
            507: components["responses"]["InsufficientStorage"];
        };
    };
    unpublishVolume: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description The array to act on, for a CSP that serves several arrays (service mode). Must name the
                 *     array the token was issued for; a mismatch is 401.
                 */
                "x-array-ip"?: components["parameters"]["ArrayIp"];
            };
            path: {
                /** @description An object id as returned by the CSP. */
                id: components["parameters"]["ObjectIdPath"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UnpublishOptions"];
            };
        };
        responses: {
            /** @description The host has no access. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            500: components["responses"]["InternalError"];
        };
    };
    listSnapshots: {
        parameters: {
            query?: {
                volume_id?: components["schemas"]["ObjectId"];
                name?: components["schemas"]["ObjectName"];
                mode?: "exists";
                /** @description opencsp `list_pagination`; page size. */
                limit?: components["parameters"]["Limit"];
                /** @description opencsp `list_pagination`; the `x-opencsp-next-token` of the previous page. */
                starting_token?: components["parameters"]["StartingToken"];
            };
            header?: {
                /**
                 * @description The array to act on, for a CSP that serves several arrays (service mode). Must name the
                 *     array the token was issued for; a mismatch is 401.
                 */
                "x-array-ip"?: components["parameters"]["ArrayIp"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Matching snapshots. */
            200: {
                headers: {
                    /** @description Token for the next page (opencsp `list_pagination`). */
                    "x-opencsp-next-token"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Snapshot"][];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            500: components["responses"]["InternalError"];
        };
    };
    createSnapshot: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description The array to act on, for a CSP that serves several arrays (service mode). Must name the
                 *     array the token was issued for; a mismatch is 401.
                 */
                "x-array-ip"?: components["parameters"]["ArrayIp"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["SnapshotCreateRequest"];
            };
        };
        responses: {
            /** @description The snapshot. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Snapshot"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            500: components["responses"]["InternalError"];
            507: components["responses"]["InsufficientStorage"];
        };
    };
    getSnapshot: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description The array to act on, for a CSP that serves several arrays (service mode). Must name the
                 *     array the token was issued for; a mismatch is 401.
                 */
                "x-array-ip"?: components["parameters"]["ArrayIp"];
            };
            path: {
                /** @description An object id as returned by the CSP. */
                id: components["parameters"]["ObjectIdPath"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The snapshot. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Snapshot"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            500: components["responses"]["InternalError"];
        };
    };
    deleteSnapshot: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description The array to act on, for a CSP that serves several arrays (service mode). Must name the
                 *     array the token was issued for; a mismatch is 401.
                 */
                "x-array-ip"?: components["parameters"]["ArrayIp"];
            };
            path: {
                /** @description An object id as returned by the CSP. */
                id: components["parameters"]["ObjectIdPath"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            500: components["responses"]["InternalError"];
        };
    };
    listVolumeGroups: {
        parameters: {
            query?: {
                name?: components["schemas"]["ObjectName"];
            };
            header?: {
                /**
                 * @description The array to act on, for a CSP that serves several arrays (service mode). Must name the
                 *     array the token was issued for; a mismatch is 401.
                 */
                "x-array-ip"?: components["parameters"]["ArrayIp"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Matching volume groups. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["VolumeGroup"][];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            500: components["responses"]["InternalError"];
            501: components["responses"]["NotImplemented"];
        };
    };
    createVolumeGroup: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description The array to act on, for a CSP that serves several arrays (service mode). Must name the
                 *     array the token was issued for; a mismatch is 401.
                 */
                "x-array-ip"?: components["parameters"]["ArrayIp"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["VolumeGroupCreateRequest"];
            };
        };
        responses: {
            /** @description The volume group. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["VolumeGroup"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            409: components["responses"]["Conflict"];
            500: components["responses"]["InternalError"];
            501: components["responses"]["NotImplemented"];
        };
    };
    getVolumeGroup: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description The array to act on, for a CSP that serves several arrays (service mode). Must name the
                 *     array the token was issued for; a mismatch is 401.
                 */
                "x-array-ip"?: components["parameters"]["ArrayIp"];
            };
            path: {
                /** @description An object id as returned by the CSP. */
                id: components["parameters"]["ObjectIdPath"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The volume group. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["VolumeGroup"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            500: components["responses"]["InternalError"];
            501: components["responses"]["NotImplemented"];
        };
    };
    deleteVolumeGroup: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description The array to act on, for a CSP that serves several arrays (service mode). Must name the
                 *     array the token was issued for; a mismatch is 401.
                 */
                "x-array-ip"?: components["parameters"]["ArrayIp"];
            };
            path: {
                /** @description An object id as returned by the CSP. */
                id: components["parameters"]["ObjectIdPath"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            500: components["responses"]["InternalError"];
            501: components["responses"]["NotImplemented"];
        };
    };
    listSnapshotGroups: {
        parameters: {
            query: {
                volume_group_id: components["schemas"]["ObjectId"];
                name?: components["schemas"]["ObjectName"];
            };
            header?: {
                /**
                 * @description The array to act on, for a CSP that serves several arrays (service mode). Must name the
                 *     array the token was issued for; a mismatch is 401.
                 */
                "x-array-ip"?: components["parameters"]["ArrayIp"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The volume group's snapshot groups. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SnapshotGroup"][];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            500: components["responses"]["InternalError"];
            501: components["responses"]["NotImplemented"];
        };
    };
    createSnapshotGroup: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description The array to act on, for a CSP that serves several arrays (service mode). Must name the
                 *     array the token was issued for; a mismatch is 401.
                 */
                "x-array-ip"?: components["parameters"]["ArrayIp"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["SnapshotGroupCreateRequest"];
            };
        };
        responses: {
            /** @description The snapshot group. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SnapshotGroup"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            500: components["responses"]["InternalError"];
            501: components["responses"]["NotImplemented"];
            507: components["responses"]["InsufficientStorage"];
        };
    };
    getSnapshotGroup: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description The array to act on, for a CSP that serves several arrays (service mode). Must name the
                 *     array the token was issued for; a mismatch is 401.
                 */
                "x-array-ip"?: components["parameters"]["ArrayIp"];
            };
            path: {
                /** @description An object id as returned by the CSP. */
                id: components["parameters"]["ObjectIdPath"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The snapshot group. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SnapshotGroup"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            500: components["responses"]["InternalError"];
            501: components["responses"]["NotImplemented"];
        };
    };
    deleteSnapshotGroup: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description The array to act on, for a CSP that serves several arrays (service mode). Must name the
                 *     array the token was issued for; a mismatch is 401.
                 */
                "x-array-ip"?: components["parameters"]["ArrayIp"];
            };
            path: {
                /** @description An object id as returned by the CSP. */
                id: components["parameters"]["ObjectIdPath"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            500: components["responses"]["InternalError"];
            501: components["responses"]["NotImplemented"];
        };
    };
    listReplicationPartners: {
        parameters: {
            query?: {
                name?: components["schemas"]["ObjectName"];
            };
            header?: {
                /**
                 * @description The array to act on, for a CSP that serves several arrays (service mode). Must name the
                 *     array the token was issued for; a mismatch is 401.
                 */
                "x-array-ip"?: components["parameters"]["ArrayIp"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Matching partners. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReplicationPartner"][];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            500: components["responses"]["InternalError"];
        };
    };
    getCapabilities: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description The array to act on, for a CSP that serves several arrays (service mode). Must name the
                 *     array the token was issued for; a mismatch is 401.
                 */
                "x-array-ip"?: components["parameters"]["ArrayIp"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The CSP's capabilities. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Capabilities"];
                };
            };
            401: components["responses"]["Unauthorized"];
            500: components["responses"]["InternalError"];
        };
    };
    queryCapacity: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description The array to act on, for a CSP that serves several arrays (service mode). Must name the
                 *     array the token was issued for; a mismatch is 401.
                 */
                "x-array-ip"?: components["parameters"]["ArrayIp"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CapacityQuery"];
            };
        };
        responses: {
            /** @description Space figures. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Capacity"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            500: components["responses"]["InternalError"];
            501: components["responses"]["NotImplemented"];
        };
    };
}
