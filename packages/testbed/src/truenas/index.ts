// TrueNAS SCALE 25.10/26 simulator (JSON-RPC 2.0 over WebSocket).
//
//   const sim = await TrueNasSimulator.start({ tls: true, apiKey: true });
//   sim.url()                      wss://127.0.0.1:<port>/api/current
//   sim.apiKey / sim.username / sim.password   credentials to log in with
//   sim.tls?.cert                  the self-signed certificate (trust it as a CA)
//   sim.calls                      CallCounter of every JSON-RPC method received
//   sim.connectionCount            WebSocket connections open now (one per CSP array session)
//   sim.deflateConnectionCount     of those, the ones that negotiated permessage-deflate (as aiohttp does)
//   sim.core.scans                 datasets/snapshots opened by queries, iSCSI rows read by queries
//   sim.core.iscsi.<table>.rowsRead  rows of an iSCSI table handed to the middleware (all reads)
//   sim.recordCalls()              start logging each call's method and params (auth redacted)
//   sim.setFaults({...})           latency, error/busy/drop rates, method filter
//   sim.setKnobs({...})            dropPhase, zvolDeviceDelayMs, jobMethods
//   sim.failNext(method, failure)  the next call of a method fails with an errno or validation error
//   sim.dropConnections()          close every client connection (a middleware restart)
//   sim.audit()                    every object created since start: the leak audit
//   sim.seedZvols([...])           bulk-create zvols (+ target/extent/LUN/initiator group)
//   sim.iscsiLogin({...})          simulated initiator login, checked against the ACL and CHAP
//   sim.nvmeConnect({...})         simulated NVMe/TCP connect, checked against ports, hosts, DH-CHAP
//   sim.backingFile({naa}|{serial}|{dataset}|{target, lun}|{nguid}|{subnqn, nsid})
//                                  the sparse file behind a LUN, for attaching it with losetup
//   await sim.stop()
//
//   const stack = await startTrueNasStack();   simulator + TrueNAS CSP on free ports
//   stack.baseUrl, stack.credentials            for a CSP client or csp-conformance
//   stack.sim.audit(); await stack.stop()
export { auditIsEmpty, type LeakAudit } from './audit.js';
export { simOptionTable, startFromArgs } from './cli.js';
export { IscsiLoginError, type LoginRequest } from './iscsi/login.js';
export { NvmeConnectError, type NvmeConnectRequest } from './nvmet/index.js';
export type { SeededZvol, SeedZvol } from './seed.js';
export { apiVersions } from './server/http.js';
export {
  type BackingLookup,
  type PlannedFailure,
  TrueNasSimulator,
  type TrueNasSimulatorOptions,
} from './simulator.js';
export { startTrueNasStack, type TrueNasStack, type TrueNasStackOptions } from './stack.js';
export type { Knobs, RecordedCall, ScanStats } from './state/core.js';
