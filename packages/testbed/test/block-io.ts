// Positioned reads and writes on a block device or file, synced, for raw block tests.
import { open } from 'node:fs/promises';

export async function pwrite(path: string, data: Buffer, offset: number): Promise<void> {
  const h = await open(path, 'r+');
  try {
    await h.write(data, 0, data.length, offset);
    await h.sync();
  } finally {
    await h.close();
  }
}

export async function pread(path: string, length: number, offset: number): Promise<Buffer> {
  const h = await open(path, 'r');
  try {
    const buf = Buffer.alloc(length);
    await h.read(buf, 0, length, offset);
    return buf;
  } finally {
    await h.close();
  }
}
