// Argument models of pool.dataset.create/update (api/v25_10_0/pool_dataset.py), strict as the
// real ones: integer `volsize`, string user property values, enums in upper case.
import { type Field, s } from '../rpc/schema.js';

export const compressionChoices = [
  'ON',
  'OFF',
  'LZ4',
  'GZIP',
  'GZIP-1',
  'GZIP-9',
  'ZSTD',
  'ZSTD-FAST',
  'ZLE',
  'LZJB',
  ...Array.from({ length: 19 }, (_, i) => `ZSTD-${i + 1}`),
  ...[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 500, 1000].map((n) => `ZSTD-FAST-${n}`),
  'INHERIT',
] as const;

export const volblocksizeChoices = ['512', '512B', '1K', '2K', '4K', '8K', '16K', '32K', '64K', '128K'] as const;

export function volblocksizeBytes(choice: string): number {
  return choice.startsWith('512') ? 512 : Number(choice.slice(0, -1)) * 1024;
}

/** ZFS dataset naming rules (plugins/zfs_/validation_utils.py) plus middleware's 200-char cap. */
export function validDatasetName(name: string): boolean {
  if (name.length === 0 || name.length > 200 || name.startsWith('/') || name.endsWith('/')) {
    return false;
  }
  return name.split('/').every((part) => /^[A-Za-z0-9_\-:. ]+$/.test(part) && part !== '.' && part !== '..');
}

const onOffInherit = s.str({ enum: ['ON', 'OFF', 'INHERIT'] });
const percentOrInherit = s.union(s.int({ min: 0, max: 100 }), s.str({ enum: ['INHERIT'] }));

const userProperty = s.obj({ key: s.req(s.str()), value: s.req(s.str()) });

const common: Record<string, Field> = {
  comments: s.opt(s.str(), 'INHERIT'),
  sync: s.opt(s.str({ enum: ['STANDARD', 'ALWAYS', 'DISABLED', 'INHERIT'] }), 'INHERIT'),
  snapdev: s.opt(s.str({ enum: ['HIDDEN', 'VISIBLE', 'INHERIT'] })),
  compression: s.opt(s.str({ enum: compressionChoices }), 'INHERIT'),
  exec: s.opt(onOffInherit, 'INHERIT'),
  managedby: s.opt(s.nonEmpty(), 'INHERIT'),
  quota_warning: s.opt(percentOrInherit, 'INHERIT'),
  quota_critical: s.opt(percentOrInherit, 'INHERIT'),
  refquota_warning: s.opt(percentOrInherit, 'INHERIT'),
  refquota_critical: s.opt(percentOrInherit, 'INHERIT'),
  reservation: s.opt(s.int()),
  refreservation: s.opt(s.int()),
  special_small_block_size: s.opt(s.union(s.int(), s.str({ enum: ['INHERIT'] }))),
  copies: s.opt(s.union(s.int(), s.str({ enum: ['INHERIT'] })), 'INHERIT'),
  snapdir: s.opt(s.str({ enum: ['DISABLED', 'VISIBLE', 'HIDDEN', 'INHERIT'] }), 'INHERIT'),
  deduplication: s.opt(s.str({ enum: ['ON', 'VERIFY', 'OFF', 'INHERIT'] }), 'INHERIT'),
  checksum: s.opt(
    s.str({ enum: ['ON', 'OFF', 'FLETCHER2', 'FLETCHER4', 'SHA256', 'SHA512', 'SKEIN', 'EDONR', 'BLAKE3', 'INHERIT'] }),
    'INHERIT',
  ),
  readonly: s.opt(onOffInherit, 'INHERIT'),
  share_type: s.opt(s.str({ enum: ['GENERIC', 'MULTIPROTOCOL', 'NFS', 'SMB', 'APPS'] }), 'GENERIC'),
  encryption_options: s.opt(s.map(s.any()), {}),
  encryption: s.opt(s.bool(), false),
  inherit_encryption: s.opt(s.bool(), true),
  user_properties: s.opt(s.list(userProperty), []),
  create_ancestors: s.opt(s.bool(), false),
};

const volumeOnly: Record<string, Field> = {
  force_size: s.opt(s.bool()),
  sparse: s.opt(s.bool()),
  volsize: s.req(s.int()),
  volblocksize: s.opt(s.str({ enum: volblocksizeChoices })),
};

const filesystemOnly: Record<string, Field> = {
  aclmode: s.opt(s.str({ enum: ['PASSTHROUGH', 'RESTRICTED', 'DISCARD', 'INHERIT'] })),
  acltype: s.opt(s.str({ enum: ['OFF', 'NFSV4', 'POSIX', 'INHERIT'] })),
  atime: s.opt(onOffInherit),
  casesensitivity: s.opt(s.str({ enum: ['SENSITIVE', 'INSENSITIVE', 'INHERIT'] })),
  quota: s.opt(s.nullable(s.int())),
  refquota: s.opt(s.nullable(s.int())),
  recordsize: s.opt(s.str()),
};

export const createVolumeSchema = s.obj({
  name: s.req(s.nonEmpty()),
  type: s.req(s.str({ enum: ['VOLUME'] })),
  ...common,
  ...volumeOnly,
});

export const createFilesystemSchema = s.obj({
  name: s.req(s.nonEmpty()),
  type: s.opt(s.str({ enum: ['FILESYSTEM'] }), 'FILESYSTEM'),
  ...common,
  ...filesystemOnly,
});

const updateFields: Record<string, Field> = {};
for (const [key, field] of Object.entries({ ...common, ...volumeOnly, ...filesystemOnly })) {
  if (
    ![
      'share_type',
      'sparse',
      'volblocksize',
      'encryption',
      'encryption_options',
      'inherit_encryption',
      'casesensitivity',
      'create_ancestors',
    ].includes(key)
  ) {
    updateFields[key] = { schema: field.schema, required: false };
  }
}
updateFields.user_properties_update = s.opt(
  s.list(s.obj({ key: s.req(s.str()), value: s.opt(s.str()), remove: s.opt(s.bool()) })),
);

export const updateSchema = s.obj(updateFields);

export const deleteOptionsSchema = s.obj({ recursive: s.opt(s.bool(), false), force: s.opt(s.bool(), false) });

/** API enum value → raw ZFS value (`LZ4` → `lz4`); undefined for INHERIT. */
export function rawValue(value: unknown): string | undefined {
  if (value === undefined || value === 'INHERIT') {
    return undefined;
  }
  return String(value).toLowerCase();
}
