// Types of packed-tools.mjs for the TypeScript that imports it (the testbed's service-node.ts and chart/helm.ts).

export interface PackedTool {
  version: string;
  package: string;
  packageVersion: string;
  integrity: string;
  member: string;
  zipMember?: string;
  sha256: string;
}

export declare const packedTools: { node: PackedTool; helm: PackedTool };

export declare function packedToolPath(
  root: string,
  name: keyof typeof packedTools,
  env?: Record<string, string | undefined>,
): string;

export declare function ensurePackedTools(root: string, env?: Record<string, string | undefined>): string | undefined;
