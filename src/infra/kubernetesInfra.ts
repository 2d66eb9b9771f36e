/**
 * What the server knows of Kubernetes: contexts from the kubeconfig (`KUBECONFIG`, else
 * `~/.kube/config`), and GPU nodes per context. This build does not talk to the Kubernetes API
 * itself, so node info is empty with a hint saying why. One patchable object, like the state seams.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { KubernetesNodeInfoResult } from '../api/wireTypes';

function kubeconfigPath(): string {
  return (process.env.KUBECONFIG ?? '').split(path.delimiter).find(Boolean) ?? path.join(os.homedir(), '.kube', 'config');
}

export const kubernetesInfra = {
  async getAllContexts(): Promise<string[]> {
    try {
      // Loaded here: a server without a kubeconfig never pays for the YAML parser.
      const YAML = require('yaml') as typeof import('yaml');
      const config = YAML.parse(fs.readFileSync(kubeconfigPath(), 'utf8')) as { contexts?: { name?: string }[] };
      return (config?.contexts ?? []).map((c) => c.name).filter((n): n is string => typeof n === 'string');
    } catch {
      return []; // no kubeconfig: no contexts
    }
  },

  async getNodeInfo(context: string | null): Promise<KubernetesNodeInfoResult> {
    return {
      node_info_dict: {},
      hint: `Node information for context '${context ?? 'default'}' is not available: this server does not query the Kubernetes API.`,
    };
  },
};

export type KubernetesInfra = typeof kubernetesInfra;
