// The identity LIO gives a LUN: VPD page 0x80 is the backstore's `wwn/vpd_unit_serial`, and the
// NAA designator of page 0x83 (what Linux shows as `device/wwid` `naa.…`) is derived from it:
// NAA type 6, the 24-bit company id (`wwn/company_id`), then the first 25 hexadecimal digits of
// the unit serial, other characters skipped, zero-padded (the kernel's
// spc_gen_naa_6h_vendor_specific, target_core_spc.c). An array that shows its LUNs through LIO
// must therefore report this NAA, not one of its own choosing.

const VENDOR_DIGITS = 25;

/** The 32 hex digits of LIO's NAA 6 designator for a unit serial (lower case, no `0x`). */
export function lioNaa(companyId: number, serial: string): string {
  if (!Number.isInteger(companyId) || companyId < 0 || companyId >= 0x1000000) {
    throw new Error(`company id ${companyId} is not a 24-bit number`);
  }
  const digits = [...serial.toLowerCase()].filter((c) => /[0-9a-f]/.test(c)).slice(0, VENDOR_DIGITS);
  return `6${companyId.toString(16).padStart(6, '0')}${digits.join('').padEnd(VENDOR_DIGITS, '0')}`;
}

/** `wwn/vpd_unit_serial` reads back as "T10 VPD Unit Serial Number: <serial>". */
export function parseUnitSerial(text: string): string {
  const match = /T10 VPD Unit Serial Number:\s*(\S*)/.exec(text);
  return match?.[1] ?? '';
}
