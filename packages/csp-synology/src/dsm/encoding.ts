// Parameter encoding for the DSM Web API. APIs whose SYNO.API.Info `requestFormat` is JSON decode
// every value as JSON, so strings must travel as JSON strings (`"abc"`): an unquoted id or a
// digits-only description would be read as a number (DSM answers 18990710 / 18990403). Other APIs
// (Auth) take raw strings.

export type DsmValue = string | number | boolean | readonly unknown[] | { readonly [key: string]: unknown };
export type DsmParams = Record<string, DsmValue | undefined>;

function encodeOne(value: DsmValue, json: boolean): string {
  if (typeof value === 'string') {
    return json ? JSON.stringify(value) : value;
  }
  if (typeof value === 'number' || typeof value === 'boolean') {
    return String(value);
  }
  return JSON.stringify(value);
}

/** Encodes parameters into form fields; undefined values are left out. */
export function encodeParams(params: DsmParams, json: boolean): [string, string][] {
  const fields: [string, string][] = [];
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined) {
      fields.push([key, encodeOne(value, json)]);
    }
  }
  return fields;
}
