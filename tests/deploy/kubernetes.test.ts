/**
 * deploy/k8s rendered as `kubectl apply -k` would (kustomize.ts) and checked against the Kubernetes
 * schemas with no unknown field (kubernetesSchema.ts), then what a schema cannot see: selectors that
 * select, probes on the server's endpoints and the image's port, a preStop sleep that fits in the
 * grace period with the server's own drain, access logs on, metrics on a named port that the pod's
 * Prometheus annotations name (and off the Service), limits that hold the heap, the image's user and HOME,
 * the database URI from a Secret that the PostgreSQL example provides, and the demo overlay's image.
 */
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { readDockerfile, ROOT, stageNamed } from './dockerfile';
import { checkManifest } from './kubernetesSchema';
import { containersOf, type Manifest, render } from './kustomize';

const K8S = path.join(ROOT, 'deploy', 'k8s');
const KUSTOMIZATIONS = ['base', 'postgres', 'demo'];
/** The server's own drain after SIGTERM (runServer.ts: live requests get up to 10 s). */
const SERVER_DRAIN_SECONDS = 10;

type Probe = { httpGet?: { path: string; port: string | number }; exec?: { command: string[] } };
interface Container {
  name: string;
  image: string;
  ports?: { name?: string; containerPort: number }[];
  env?: { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string }; fieldRef?: { fieldPath: string } } }[];
  resources: { requests: Record<string, string>; limits: Record<string, string> };
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  startupProbe?: Probe;
  lifecycle?: { preStop?: Probe };
  securityContext?: { readOnlyRootFilesystem?: boolean; allowPrivilegeEscalation?: boolean; capabilities?: { drop?: string[] } };
  volumeMounts?: { name: string; mountPath: string }[];
}
interface PodSpec {
  containers: Container[];
  terminationGracePeriodSeconds?: number;
  volumes?: { name: string; emptyDir?: object }[];
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number };
}
const podOf = (m: Manifest) => (m.spec as { template: { metadata: { labels: Record<string, string> }; spec: PodSpec } }).template;
const find = (ms: Manifest[], kind: string) => ms.filter((m) => m.kind === kind);
const env = (c: Container, name: string) => c.env?.find((e) => e.name === name);
const mebibytes = (q: string) => Number(/^(\d+)Mi$/.exec(q)?.[1] ?? /^(\d+)Gi$/.exec(q)?.[1] ?? NaN) * (q.endsWith('Gi') ? 1024 : 1);

const rendered = Object.fromEntries(KUSTOMIZATIONS.map((k) => [k, render(path.join(K8S, k))])) as Record<string, Manifest[]>;
const [deployment] = find(rendered.base, 'Deployment');
const api = podOf(deployment).spec.containers[0];
const runtime = stageNamed(readDockerfile(), 'runtime').steps;

describe('Kubernetes manifests', () => {
  it.each(KUSTOMIZATIONS)('%s: every object is valid against the Kubernetes schemas, with no unknown field', (name) => {
    expect(rendered[name].length).toBeGreaterThan(0);
    expect(rendered[name].flatMap(checkManifest)).toEqual([]);
  });

  it('would report a misspelt field and a badly typed one', () => {
    const broken = YAML.parse(
      fs
        .readFileSync(path.join(K8S, 'base', 'deployment.yaml'), 'utf8')
        .replace('livenessProbe:', 'livenessProbes:')
        .replace('containerPort: 46580', 'containerPort: "46580"'),
    ) as Manifest;
    const problems = checkManifest(broken);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/unknown field \/spec\/template\/spec\/containers\/0\/livenessProbes$/),
        expect.stringMatching(/containerPort must be integer/),
      ]),
    );
  });

  it('runs two replicas that its Service and disruption budget select', () => {
    expect((deployment.spec as { replicas: number }).replicas).toBe(2);
    const labels = podOf(deployment).metadata.labels;
    const selects = (selector: Record<string, string>) => Object.entries(selector).every(([k, v]) => labels[k] === v);
    expect(selects((deployment.spec as { selector: { matchLabels: Record<string, string> } }).selector.matchLabels)).toBe(true);
    const [service] = find(rendered.base, 'Service');
    expect(selects((service.spec as { selector: Record<string, string> }).selector)).toBe(true);
    const [pdb] = find(rendered.base, 'PodDisruptionBudget');
    expect(selects((pdb.spec as { selector: { matchLabels: Record<string, string> } }).selector.matchLabels)).toBe(true);
    // The Service's target port is the container's named port, which is the image's EXPOSEd port.
    const target = (service.spec as { ports: { targetPort: string }[] }).ports[0].targetPort;
    const port = api.ports?.find((p) => p.name === target);
    expect(String(port?.containerPort)).toBe(runtime.find((s) => s.keyword === 'EXPOSE')?.args[0]);
  });

  it('probes liveness on /healthz and readiness on /readyz, and drains before the server stops', () => {
    expect(api.livenessProbe?.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(api.startupProbe?.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(api.readinessProbe?.httpGet).toEqual({ path: '/readyz', port: 'http' });
    const [sleep, seconds] = api.lifecycle?.preStop?.exec?.command ?? [];
    expect(sleep).toBe('sleep');
    const grace = podOf(deployment).spec.terminationGracePeriodSeconds ?? 30;
    expect(Number(seconds)).toBeGreaterThan(0);
    expect(grace).toBeGreaterThan(Number(seconds) + SERVER_DRAIN_SECONDS);
  });

  it('logs every request and serves metrics on a named port its pod annotations point a scraper at', () => {
    expect(env(api, 'SKYPILOT_ACCESS_LOG')?.value).toBe('1');
    const port = env(api, 'SKYPILOT_METRICS_PORT')?.value;
    // Off loopback, or no scraper outside the pod reaches them.
    expect(env(api, 'SKYPILOT_METRICS_HOST')?.value).toBe('0.0.0.0');
    expect(api.ports?.find((p) => p.name === 'metrics')?.containerPort).toBe(Number(port));
    const annotations = (podOf(deployment).metadata as { annotations?: Record<string, string> }).annotations ?? {};
    expect(annotations).toMatchObject({ 'prometheus.io/scrape': 'true', 'prometheus.io/port': port, 'prometheus.io/path': '/metrics' });
    // The metrics stay off the Service that clients (and an Ingress) reach.
    const [service] = find(rendered.base, 'Service');
    expect((service.spec as { ports: { targetPort: string | number }[] }).ports.map((p) => p.targetPort)).not.toContain('metrics');
  });

  it('requests and limits resources, with the heap inside the memory limit', () => {
    for (const kind of ['requests', 'limits'] as const) expect(Object.keys(api.resources[kind]).sort()).toEqual(['cpu', 'memory']);
    const heap = Number(/--max-old-space-size=(\d+)/.exec(env(api, 'NODE_OPTIONS')?.value ?? '')?.[1]);
    expect(heap).toBeLessThan(mebibytes(api.resources.limits.memory));
  });

  it("runs as the image's non-root user on a read-only root, HOME on an emptyDir", () => {
    const pod = podOf(deployment).spec;
    expect(pod.securityContext?.runAsNonRoot).toBe(true);
    const user = runtime.filter((s) => s.keyword === 'USER').pop()!.args[0];
    expect(String(pod.securityContext?.runAsUser)).toBe(user.split(':')[0]);
    expect(api.securityContext).toMatchObject({
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
    });
    const home = runtime
      .flatMap((s) => (s.keyword === 'ENV' ? s.args : []))
      .find((a) => a.startsWith('HOME='))!
      .slice('HOME='.length);
    const mount = api.volumeMounts?.find((m) => m.mountPath === home);
    expect(pod.volumes?.find((v) => v.name === mount?.name)?.emptyDir).toBeDefined();
  });

  it('reads the database URI from the Secret the PostgreSQL example provides, and names each replica', () => {
    const ref = env(api, 'SKYPILOT_DB_CONNECTION_URI')?.valueFrom?.secretKeyRef;
    expect(ref).toBeDefined();
    expect(env(api, 'SKYPILOT_REPLICA_ID')?.valueFrom?.fieldRef?.fieldPath).toBe('metadata.name');
    const secret = find(rendered.postgres, 'Secret').find((s) => s.metadata.name === ref!.name);
    const uri = new URL((secret!.stringData as Record<string, string>)[ref!.key]);
    expect(uri.protocol).toBe('postgresql:');
    const service = find(rendered.postgres, 'Service').find((s) => s.metadata.name === uri.hostname);
    expect((service!.spec as { ports: { port: number }[] }).ports[0].port).toBe(Number(uri.port));
    // The StatefulSet's own credentials come from a Secret in the same kustomization.
    const [statefulSet] = find(rendered.postgres, 'StatefulSet');
    const envFrom = (podOf(statefulSet).spec.containers[0] as unknown as { envFrom: { secretRef: { name: string } }[] }).envFrom;
    expect(envFrom.map((e) => find(rendered.postgres, 'Secret').some((s) => s.metadata.name === e.secretRef.name))).toEqual([true]);
  });

  it('gives the nightly image to the base and the demo target to the demo overlay, in its own namespace', () => {
    const stages = readDockerfile().map((s) => s.name);
    const tagOf = (ms: Manifest[]) => containersOf(find(ms, 'Deployment')[0]).map((c) => c.image.split(':')[1]);
    expect(tagOf(rendered.base)).toEqual(['nightly']);
    expect(tagOf(rendered.demo)).toEqual(['demo']);
    expect(stages).toEqual(expect.arrayContaining(['nightly', 'demo']));
    expect(new Set(rendered.demo.map((m) => m.metadata.namespace))).toEqual(new Set(['skypilot-demo']));
  });
});
