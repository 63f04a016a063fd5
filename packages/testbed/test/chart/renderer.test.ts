// tools/helm-render must behave like helm's engine where charts can tell the difference: value
// merging (-f order, null deletes a default), missing keys, include/tpl/required/lookup, the
// YAML style of toYaml, float64 numbers, partials and empty files. A fixture chart exercises each.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chartToolchain, HelmRender, type RenderResult } from '../../src/chart/helm-render.js';

const missing = chartToolchain('renderer tests');

const fixture: Record<string, string> = {
  'Chart.yaml': 'apiVersion: v2\nname: fixture\nversion: 1.2.3\nappVersion: "4.5"\nkubeVersion: ">=1.20.0-0"\n',
  'values.yaml': [
    'keep: default',
    'drop: default',
    'nested:',
    '  a: 1',
    '  b: two',
    'list: [x, y]',
    'count: 3',
    'big: 2000000',
    'greeting: "hello {{ .Release.Name }}"',
  ].join('\n'),
  'templates/_helpers.tpl': '{{- define "fixture.name" -}}{{ .Chart.Name }}-{{ .Release.Name }}{{- end }}\n',
  'templates/configmap.yaml': [
    'apiVersion: v1',
    'kind: ConfigMap',
    'metadata:',
    '  name: {{ include "fixture.name" . }}',
    '  namespace: {{ .Release.Namespace }}',
    'data:',
    '  keep: {{ .Values.keep | quote }}',
    '  drop: {{ .Values.drop | default "deleted" | quote }}',
    '  missing: "{{ .Values.nothing }}"',
    '  nested: {{ toYaml .Values.nested | quote }}',
    '  list: |',
    '    {{- toYaml (dict "items" .Values.list) | nindent 4 }}',
    '  count: "{{ .Values.count }}"',
    '  big: "{{ .Values.big }}"',
    '  bigInt: "{{ int64 .Values.big }}"',
    '  tpl: {{ tpl .Values.greeting . | quote }}',
    '  lookup: "{{ len (lookup "v1" "Secret" "ns" "name") }}"',
    '  fromYaml: {{ (fromYaml "a: [1, 2]").a | len | quote }}',
    '  chart: "{{ .Chart.Name }}/{{ .Chart.Version }}/{{ .Chart.AppVersion }}"',
    '  template: "{{ .Template.Name }}|{{ .Template.BasePath }}"',
    '  kube: "{{ .Capabilities.KubeVersion.Major }}.{{ .Capabilities.KubeVersion.Minor }}"',
    '  install: "{{ .Release.IsInstall }}/{{ .Release.Service }}"',
    '  env: "{{ if hasKey (dict) "x" }}x{{ end }}"',
  ].join('\n'),
  'templates/empty.yaml': '{{- if .Values.never }}\nkind: Never\n{{- end }}\n',
  'templates/required.yaml':
    '{{- if .Values.needName }}\nname: {{ required "needName needs name" .Values.name }}\n{{- end }}\n',
  'templates/NOTES.txt': 'Release {{ .Release.Name }} ready.\n',
};

describe.skipIf(missing !== undefined)(`helm-render fidelity (${missing ?? 'fixture chart'})`, () => {
  let helm: HelmRender;
  let chart: string;
  let result: RenderResult;
  let data: Record<string, string>;
  beforeAll(async () => {
    helm = await HelmRender.build();
    for (const [path, content] of Object.entries(fixture)) {
      await helm.valuesFile(join('fixture', path), content);
    }
    chart = join(await helm.valuesFile('fixture/.keep', ''), '..');
    const first = await helm.valuesFile('first.yaml', 'keep: first\ndrop: first\nnested:\n  b: three\n');
    const second = await helm.valuesFile('second.yaml', 'keep: second\ndrop: null\n');
    result = await helm.render({ chart, valueFiles: [first, second], releaseName: 'rel', namespace: 'ns' });
    data = result.objects[0]?.object.data as Record<string, string>;
  });
  afterAll(async () => {
    await helm?.dispose();
  });

  it('merges -f files in order over the defaults, and null deletes a default', () => {
    expect(result.values.keep).toBe('second');
    expect('drop' in result.values).toBe(false);
    expect(result.values.nested).toEqual({ a: 1, b: 'three' });
    expect(data.keep).toBe('second');
    expect(data.drop).toBe('deleted');
  });

  it('renders missing keys as empty and runs include, tpl, lookup and fromYaml like helm', () => {
    expect(data.missing).toBe('');
    expect(result.objects[0]?.object.metadata.name).toBe('fixture-rel');
    expect(data.tpl).toBe('hello rel');
    expect(data.lookup).toBe('0');
    expect(data.fromYaml).toBe('2');
    expect(data.env).toBe('');
  });

  it('formats toYaml as helm does (sorted keys, unindented sequences, no trailing newline)', () => {
    expect(data.nested).toBe('a: 1\nb: three');
    // Values are read as YAML 1.1 (sigs.k8s.io/yaml on go-yaml v2): an unquoted y is a boolean.
    expect(data.list).toBe('items:\n- x\n- true\n');
  });

  it('keeps numbers as float64 like helm: small integers plain, large ones in exponent form unless converted', () => {
    expect(data.count).toBe('3');
    expect(data.big).toBe('2e+06');
    expect(data.bigInt).toBe('2000000');
  });

  it('exposes .Chart, .Template, .Capabilities and .Release with helm field names', () => {
    expect(data.chart).toBe('fixture/1.2.3/4.5');
    expect(data.template).toBe('fixture/templates/configmap.yaml|fixture/templates');
    expect(data.kube).toBe('1.31');
    expect(data.install).toBe('true/Helm');
  });

  it('leaves out partials and empty files and renders NOTES.txt separately', () => {
    expect(result.objects.map((o) => o.source)).toEqual(['fixture/templates/configmap.yaml']);
    expect(result.notes).toBe('Release rel ready.\n');
  });

  it('fails on required values with the template message', async () => {
    const values = await helm.valuesFile('need.yaml', 'needName: true\n');
    expect(await helm.renderError({ chart, valueFiles: [values] })).toContain('needName needs name');
  });

  it('refuses release names helm refuses', async () => {
    expect(await helm.renderError({ chart, releaseName: 'Bad_Name' })).toContain('invalid release name');
  });
});
