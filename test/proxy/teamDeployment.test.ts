import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { PROXY_OPTIONS } from '../../src/proxy/proxyOptions';
import { isPostgresUrl } from '../../src/store/paths';
import { TeamTokens } from '../../src/store/teamTokens';
import { tempDir } from '../helpers/tempDir';

const ROOT = join(__dirname, '..', '..', '..');

interface Manifest {
  kind: string;
  metadata: { name: string };
  [key: string]: unknown;
}
type Container = {
  args: string[];
  env: Array<{ name: string; value?: string; valueFrom?: { secretKeyRef: { name: string; key: string } } }>;
  ports: Array<{ name: string; containerPort: number }>;
  readinessProbe: Probe;
  livenessProbe: Probe;
  volumeMounts: Array<{ name: string; mountPath: string }>;
};
type Probe = { httpGet: { path: string; port: string; httpHeaders: Array<{ name: string; value: string }> } };

function manifests(): Manifest[] {
  const text = readFileSync(join(ROOT, 'deploy', 'kubernetes', 'headroom.yaml'), 'utf8');
  return parseAllDocuments(text).map((doc) => {
    assert.deepEqual(doc.errors, [], 'the manifest is valid YAML');
    return doc.toJS() as Manifest;
  });
}

describe('the Kubernetes deployment of a team proxy', () => {
  const all = manifests();
  const find = (kind: string) => {
    const found = all.find((m) => m.kind === kind);
    assert.ok(found, `a ${kind}`);
    return found as Manifest & Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  };
  const deployment = find('Deployment');
  const service = find('Service');
  const secret = find('Secret');
  const pod = deployment.spec.template.spec;
  const container = pod.containers[0] as Container;
  const env = new Map(container.env.map((e) => [e.name, e]));

  it('runs several replicas, selected by the labels their pods carry, behind a Service on their port', () => {
    assert.ok(deployment.spec.replicas >= 2);
    assert.deepEqual(deployment.spec.selector.matchLabels, deployment.spec.template.metadata.labels);
    assert.deepEqual(service.spec.selector, deployment.spec.template.metadata.labels);
    const port = container.ports.find((p) => p.name === service.spec.ports[0].targetPort);
    assert.ok(port, 'the Service targets a port the container names');
    assert.equal(env.get('HEADROOM_LISTEN')?.value, `0.0.0.0:${port.containerPort}`);
    assert.deepEqual(container.args, ['proxy']);
  });

  it('sets only variables the proxy reads, with the store on PostgreSQL and its password from the Secret', () => {
    const known = new Set([...Object.values(PROXY_OPTIONS).map((o) => ('env' in o ? o.env : '')), 'PGPASSWORD']);
    assert.deepEqual(
      [...env.keys()].filter((name) => !known.has(name)),
      [],
    );
    assert.ok(isPostgresUrl(env.get('HEADROOM_STORE')?.value ?? ''));
    assert.ok(!/:[^@/]*@/.test(env.get('HEADROOM_STORE')?.value ?? ''), 'the URL carries no password');
    const ref = env.get('PGPASSWORD')?.valueFrom?.secretKeyRef;
    assert.equal(ref?.name, secret.metadata.name);
    assert.ok(ref && ref.key in secret.stringData);
  });

  it('mounts a tokens file the proxy can read where HEADROOM_TOKENS says', () => {
    const tokensPath = env.get('HEADROOM_TOKENS')?.value ?? '';
    const mount = container.volumeMounts.find((m) => m.mountPath === dirname(tokensPath));
    assert.ok(mount, 'the tokens file is in a mounted volume');
    const volume = pod.volumes.find((v: { name: string }) => v.name === mount.name);
    assert.equal(volume.secret.secretName, secret.metadata.name);
    const item = volume.secret.items.find((i: { path: string }) => join(mount.mountPath, i.path) === tokensPath);
    const file = join(tempDir(), 'tokens.json');
    writeFileSync(file, secret.stringData[item.key]);
    assert.deepEqual(new TeamTokens(file).list(), [], 'the placeholder is a tokens file, empty until filled');
  });

  it('probes the health routes on a Host the proxy serves, readiness waiting for the compression worker', () => {
    const hosts = (env.get('HEADROOM_ALLOWED_HOSTS')?.value ?? '').split(',');
    for (const probe of [container.readinessProbe, container.livenessProbe]) {
      assert.equal(probe.httpGet.port, container.ports[0].name);
      const host = probe.httpGet.httpHeaders.find((h) => h.name === 'Host')?.value;
      assert.ok(host && hosts.includes(host), `probe Host ${host} is one of ${hosts.join(', ')}`);
    }
    assert.equal(container.readinessProbe.httpGet.path, '/headroom/health?ready');
    assert.equal(container.livenessProbe.httpGet.path, '/headroom/health');
  });

  it('builds an image whose entry point is the CLI the build writes', () => {
    const dockerfile = readFileSync(join(ROOT, 'deploy', 'Dockerfile'), 'utf8');
    const bin = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { bin: { headroom: string } }).bin
      .headroom;
    assert.match(dockerfile, new RegExp(`ENTRYPOINT \\["node", "/app/${bin.replace('.', '\\.')}"\\]`));
    assert.match(dockerfile, /COPY --from=build \/src\/dist \.\/dist/);
  });
});
