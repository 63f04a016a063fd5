// The real-cluster scenarios (scenarios.ts) on the synology simulator and its CSP. Run by pnpm e2e:kube.
import { kubeScenarios } from './scenarios.js';

kubeScenarios('csp-synology + DSM simulator (DS923+, masking hosts)', { backend: 'synology' });
