// The real-cluster scenarios (scenarios.ts) on the truenas simulator and its CSP. Run by pnpm e2e:kube.
import { kubeScenarios } from './scenarios.js';

kubeScenarios('csp-truenas + TrueNAS simulator', { backend: 'truenas' });
