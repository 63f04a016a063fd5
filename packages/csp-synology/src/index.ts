export { buildSynologyCsp, type SynologyCsp } from './app.js';
export { type EnrollRequest, enrollDevice } from './enroll.js';
export { escapeName, lunSerialNumber, unescapeName } from './ids.js';
export { optionTable, type SynologyOptions } from './options.js';
export { SynologyProvider, type SynologyProviderOptions } from './provider.js';
export { SynologySession } from './session.js';
