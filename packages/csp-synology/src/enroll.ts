// `csp-synology enroll-device`: one interactive 2-step-verification login that registers this CSP
// as a trusted device and prints the device token to put in SYNOLOGY_DEVICE_ID. The password and
// the one-time code come from the environment, never from the command line (shell history).
import { ArrayTrust } from '@opencsp/csp-spec/server';
import { discover } from './dsm/discovery.js';
import { encodeParams } from './dsm/encoding.js';
import { loginRefusalText } from './dsm/errors.js';
import { DsmTransport } from './dsm/transport.js';

export interface EnrollRequest {
  /** `https://nas:5001`: the NAS that SYNOLOGY_URL names (the token is only ever sent there). */
  url: string;
  username: string;
  password: string;
  otp: string;
  deviceName: string;
  ca: string | undefined;
}

export async function enrollDevice(request: EnrollRequest): Promise<string> {
  if (new URL(request.url).protocol !== 'https:') {
    throw new Error(
      'enrolment needs an https:// URL: the password, the code and the device token never travel in clear',
    );
  }
  const transport = new DsmTransport({ baseUrl: request.url, trust: new ArrayTrust(request.ca), timeoutMs: 30_000 });
  try {
    const auth = (await discover(transport)).endpoint('SYNO.API.Auth');
    const envelope = await transport.post(auth.path, [
      ['api', 'SYNO.API.Auth'],
      ['version', String(auth.version)],
      ['method', 'login'],
      ...encodeParams(
        {
          account: request.username,
          passwd: request.password,
          otp_code: request.otp,
          enable_device_token: 'yes',
          device_name: request.deviceName,
          format: 'sid',
        },
        false,
      ),
    ]);
    const data = envelope.data as { did?: unknown; sid?: unknown } | undefined;
    if (!envelope.success || typeof data?.did !== 'string') {
      const code = envelope.error?.code;
      const why =
        code === undefined ? 'no device token in the answer' : (loginRefusalText[code] ?? `DSM error ${code}`);
      throw new Error(`enrolment failed: ${why}`);
    }
    if (typeof data.sid === 'string') {
      await transport
        .post(auth.path, [
          ['api', 'SYNO.API.Auth'],
          ['version', String(auth.version)],
          ['method', 'logout'],
          ['_sid', data.sid],
        ])
        .catch(() => undefined);
    }
    return data.did;
  } finally {
    await transport.close();
  }
}
