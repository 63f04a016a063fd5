// The contract's name rules in code, for CSPs, drivers and the conformance suite alike.

/** Whether `name` holds a character CSI bans in names: a control character other than \t, \n, \r. */
export function hasBannedNameCharacter(name: string): boolean {
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || (c >= 0x7f && c <= 0x9f)) {
      return true;
    }
  }
  return false;
}

/** The contract's VolumeName: 1 to 128 characters (CSI: 128 bytes) without banned characters. */
export function isVolumeName(name: string): boolean {
  return name.length > 0 && [...name].length <= 128 && !hasBannedNameCharacter(name);
}

/** The contract's ObjectName: what every CSP takes (snapshot and group names, plain volume names). */
export function isObjectName(name: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/.test(name);
}
