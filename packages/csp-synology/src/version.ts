/** The CSP's version, reported in capabilities and logs (kept equal to package.json). */
export const cspVersion = '0.1.0';
