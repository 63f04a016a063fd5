{{/* Containers of the controller pod. The driver and every sidecar share /csi/csi.sock on an
emptyDir; only the sidecars talk to the Kubernetes API. With metrics.enabled the driver serves
--metrics-address and the provisioner, attacher, snapshotter and resizer their --http-endpoint. */}}

{{/* The --http-endpoint argument and port of a controller sidecar: call with (dict "root" $ "name"
"provisioner" "portName" "prov-metrics"); empty when metrics are off. */}}
{{- define "opencsp.sidecarMetrics" -}}
{{- if .root.Values.metrics.enabled -}}
{{- $port := index .root.Values.metrics.sidecarPorts .name -}}
{{- dict "arg" (printf "--http-endpoint=:%d" (int $port)) "port" (int $port) "portName" .portName | toJson -}}
{{- else -}}
{}
{{- end -}}
{{- end }}

{{- define "opencsp.leaderElectionArgs" -}}
{{- $le := .Values.leaderElection -}}
- --leader-election
- --leader-election-namespace={{ .Release.Namespace }}
- --leader-election-lease-duration={{ $le.leaseDuration }}
- --leader-election-renew-deadline={{ $le.renewDeadline }}
- --leader-election-retry-period={{ $le.retryPeriod }}
{{- end }}

{{- define "opencsp.controllerSidecarBody" -}}
imagePullPolicy: {{ .sidecar.image.pullPolicy }}
{{- if .metricsPort }}
ports:
  - name: {{ .portName }}
    containerPort: {{ .metricsPort }}
    protocol: TCP
{{- end }}
securityContext:
  {{- include "opencsp.restrictedContainer" . | nindent 2 }}
volumeMounts:
  - name: socket-dir
    mountPath: /csi
{{- with .sidecar.resources }}
resources:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end }}

{{- define "opencsp.controllerContainers" -}}
{{- $sc := .Values.sidecars -}}
- name: csi-driver
  image: {{ include "opencsp.image" (dict "root" . "image" .Values.image) }}
  imagePullPolicy: {{ .Values.image.pullPolicy }}
  args:
    - --endpoint=unix:///csi/csi.sock
    - --mode=controller
    - --log-level={{ default .Values.driver.logLevel .Values.controller.logLevel }}
    - --csp-timeout={{ .Values.driver.cspTimeout }}
    - --csp-connections={{ include "opencsp.cspConnections" . }}
    - --max-volumes-per-node={{ int .Values.node.maxVolumesPerNode }}
    {{- if .Values.driver.cspTlsInsecure }}
    - --csp-tls-insecure
    {{- end }}
    {{- with include "opencsp.cspCaRef" . }}
    - --csp-ca-file=/etc/opencsp/csp-ca/{{ (fromJson .).key }}
    {{- end }}
    {{- if and (include "opencsp.anyCsp" .) (eq .Values.cspTls.mode "disabled") }}
    - --csp-plain-http
    {{- end }}
    {{- if include "opencsp.controllerCspSecret" . }}
    - --csp-secret-dir=/etc/opencsp/csp-secret
    {{- end }}
    {{- if and .Values.sidecars.snapshotter.enabled .Values.sidecars.snapshotter.volumeGroupSnapshots }}
    - --group-snapshots=true
    {{- end }}
    {{- if .Values.metrics.enabled }}
    - --metrics-address=:{{ int .Values.metrics.controllerPort }}
    - --metrics-path={{ .Values.metrics.path }}
    {{- end }}
  {{- with concat .Values.driver.extraEnv .Values.controller.extraEnv }}
  env:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  ports:
    - name: healthz
      containerPort: {{ .Values.controller.healthPort }}
      protocol: TCP
    {{- if .Values.metrics.enabled }}
    - name: metrics
      containerPort: {{ .Values.metrics.controllerPort }}
      protocol: TCP
    {{- end }}
  livenessProbe:
    httpGet:
      path: /healthz
      port: healthz
    initialDelaySeconds: 10
    periodSeconds: 20
    timeoutSeconds: 15
    failureThreshold: 5
  securityContext:
    {{- include "opencsp.restrictedContainer" . | nindent 4 }}
  volumeMounts:
    - name: socket-dir
      mountPath: /csi
    {{- if include "opencsp.cspCaRef" . }}
    - name: csp-ca
      mountPath: /etc/opencsp/csp-ca
      readOnly: true
    {{- end }}
    {{- if include "opencsp.controllerCspSecret" . }}
    - name: csp-secret
      mountPath: /etc/opencsp/csp-secret
      readOnly: true
    {{- end }}
  {{- with .Values.controller.resources }}
  resources:
    {{- toYaml . | nindent 4 }}
  {{- end }}
- name: csi-provisioner
  image: {{ include "opencsp.image" (dict "root" . "image" $sc.provisioner.image) }}
  args:
    - --csi-address=/csi/csi.sock
    - --v={{ $sc.provisioner.logLevel }}
    - --timeout={{ $sc.provisioner.timeout }}
    - --worker-threads={{ $sc.provisioner.workerThreads }}
    - --retry-interval-start={{ $sc.provisioner.retryIntervalStart }}
    - --retry-interval-max={{ $sc.provisioner.retryIntervalMax }}
    - --extra-create-metadata
    {{- if .Values.leaderElection.enabled }}
    {{- include "opencsp.leaderElectionArgs" . | nindent 4 }}
    {{- end }}
    {{- $m := include "opencsp.sidecarMetrics" (dict "root" . "name" "provisioner" "portName" "prov-metrics") | fromJson }}
    {{- with $m.arg }}
    - {{ . }}
    {{- end }}
    {{- with $sc.provisioner.extraArgs }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  {{- include "opencsp.controllerSidecarBody" (dict "root" . "sidecar" $sc.provisioner "metricsPort" $m.port "portName" $m.portName) | nindent 2 }}
- name: csi-attacher
  image: {{ include "opencsp.image" (dict "root" . "image" $sc.attacher.image) }}
  args:
    - --csi-address=/csi/csi.sock
    - --v={{ $sc.attacher.logLevel }}
    - --timeout={{ $sc.attacher.timeout }}
    - --worker-threads={{ $sc.attacher.workerThreads }}
    - --retry-interval-start={{ $sc.attacher.retryIntervalStart }}
    - --retry-interval-max={{ $sc.attacher.retryIntervalMax }}
    {{- if .Values.leaderElection.enabled }}
    {{- include "opencsp.leaderElectionArgs" . | nindent 4 }}
    {{- end }}
    {{- $m := include "opencsp.sidecarMetrics" (dict "root" . "name" "attacher" "portName" "attach-metrics") | fromJson }}
    {{- with $m.arg }}
    - {{ . }}
    {{- end }}
    {{- with $sc.attacher.extraArgs }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  {{- include "opencsp.controllerSidecarBody" (dict "root" . "sidecar" $sc.attacher "metricsPort" $m.port "portName" $m.portName) | nindent 2 }}
{{- if $sc.snapshotter.enabled }}
- name: csi-snapshotter
  image: {{ include "opencsp.image" (dict "root" . "image" $sc.snapshotter.image) }}
  args:
    - --csi-address=/csi/csi.sock
    - --v={{ $sc.snapshotter.logLevel }}
    - --timeout={{ $sc.snapshotter.timeout }}
    - --worker-threads={{ $sc.snapshotter.workerThreads }}
    - --extra-create-metadata
    {{- if $sc.snapshotter.volumeGroupSnapshots }}
    - --feature-gates=CSIVolumeGroupSnapshot=true
    {{- end }}
    {{- if .Values.leaderElection.enabled }}
    {{- include "opencsp.leaderElectionArgs" . | nindent 4 }}
    {{- end }}
    {{- $m := include "opencsp.sidecarMetrics" (dict "root" . "name" "snapshotter" "portName" "snap-metrics") | fromJson }}
    {{- with $m.arg }}
    - {{ . }}
    {{- end }}
    {{- with $sc.snapshotter.extraArgs }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  {{- include "opencsp.controllerSidecarBody" (dict "root" . "sidecar" $sc.snapshotter "metricsPort" $m.port "portName" $m.portName) | nindent 2 }}
{{- end }}
{{- if $sc.resizer.enabled }}
- name: csi-resizer
  image: {{ include "opencsp.image" (dict "root" . "image" $sc.resizer.image) }}
  args:
    - --csi-address=/csi/csi.sock
    - --v={{ $sc.resizer.logLevel }}
    - --timeout={{ $sc.resizer.timeout }}
    - --workers={{ $sc.resizer.workers }}
    {{- if .Values.leaderElection.enabled }}
    {{- include "opencsp.leaderElectionArgs" . | nindent 4 }}
    {{- end }}
    {{- $m := include "opencsp.sidecarMetrics" (dict "root" . "name" "resizer" "portName" "resize-metrics") | fromJson }}
    {{- with $m.arg }}
    - {{ . }}
    {{- end }}
    {{- with $sc.resizer.extraArgs }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  {{- include "opencsp.controllerSidecarBody" (dict "root" . "sidecar" $sc.resizer "metricsPort" $m.port "portName" $m.portName) | nindent 2 }}
{{- end }}
- name: liveness-probe
  image: {{ include "opencsp.image" (dict "root" . "image" $sc.livenessProbe.image) }}
  args:
    - --csi-address=/csi/csi.sock
    - --health-port={{ .Values.controller.healthPort }}
    - --probe-timeout={{ $sc.livenessProbe.probeTimeout }}
    - --v={{ $sc.livenessProbe.logLevel }}
    {{- with $sc.livenessProbe.extraArgs }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  {{- include "opencsp.controllerSidecarBody" (dict "root" . "sidecar" $sc.livenessProbe) | nindent 2 }}
{{- end }}
