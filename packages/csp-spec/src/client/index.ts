export {
  CspClient,
  type CspClientOptions,
  type ListPage,
  normalizePublishInfo,
  type PageOptions,
  StaticToken,
  type TokenSource,
} from './client.js';
export {
  CspConnectionError,
  type CspError,
  CspHttpError,
  CspProtocolError,
  CspTimeoutError,
  isCspError,
} from './errors.js';
export { type Exchange, type Exchanged, exchange } from './exchange.js';
export { CspHttp, errorDetail, type HttpOptions, type HttpRequest, type HttpResponse } from './http.js';
