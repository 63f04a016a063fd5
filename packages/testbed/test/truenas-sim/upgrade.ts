// A WebSocket upgrade written by hand, for tests of what a server answers to exact request headers
// (a WebSocket library would write its own Sec-WebSocket-Extensions): the status, the negotiated
// extensions, and whether the server's first data frame had RSV1 set (permessage-deflate'd).
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';

export interface UpgradeAnswer {
  status: number;
  /** The Sec-WebSocket-Extensions answer, when there is one. */
  extensions?: string;
  /** RSV1 of the answer to one text frame sent after a 101 (the "compressed" bit). */
  compressedAnswer?: boolean;
}

/** A masked client text frame (payload < 126 bytes). */
function textFrame(text: string): Buffer {
  const payload = Buffer.from(text);
  const mask = randomBytes(4);
  const masked = Buffer.from(payload.map((b, i) => b ^ (mask[i % 4] as number)));
  return Buffer.concat([Buffer.from([0x81, 0x80 | payload.length]), mask, masked]);
}

/**
 * Upgrades `ws://127.0.0.1:<port><path>` with `extensions` as the Sec-WebSocket-Extensions lines
 * (none, one, or several), sends `message` after a 101 and reads the first frame of the answer.
 */
export function rawUpgrade(port: number, path: string, extensions: string[], message: string): Promise<UpgradeAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    const request = [
      `GET ${path} HTTP/1.1`,
      `Host: 127.0.0.1:${port}`,
      'Upgrade: websocket',
      'Connection: Upgrade',
      `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
      'Sec-WebSocket-Version: 13',
      ...extensions.map((line) => `Sec-WebSocket-Extensions: ${line}`),
      '',
      '',
    ].join('\r\n');
    let buffer = Buffer.alloc(0);
    let answer: UpgradeAnswer | undefined;
    const done = (result: UpgradeAnswer) => {
      socket.destroy();
      resolve(result);
    };
    socket.on('error', reject);
    socket.on('data', (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      if (!answer) {
        const end = buffer.indexOf('\r\n\r\n');
        if (end < 0) {
          return;
        }
        const [statusLine = '', ...lines] = buffer.subarray(0, end).toString('latin1').split('\r\n');
        const header = lines.find((l) => /^sec-websocket-extensions:/i.test(l));
        answer = {
          status: Number(statusLine.split(' ')[1]),
          ...(header ? { extensions: header.slice(header.indexOf(':') + 1).trim() } : {}),
        };
        buffer = buffer.subarray(end + 4);
        if (answer.status !== 101) {
          done(answer);
          return;
        }
        socket.write(textFrame(message));
      }
      if (buffer.length > 0) {
        done({ ...answer, compressedAnswer: ((buffer[0] as number) & 0x40) !== 0 });
      }
    });
    socket.on('close', () => (answer ? resolve(answer) : reject(new Error('connection closed before an answer'))));
    socket.write(request);
  });
}
