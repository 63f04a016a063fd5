{{/* Names, labels and images shared by every template. */}}

{{/* The CSI driver name: fixed, it is stored in every PV the driver creates. */}}
{{- define "opencsp.driverName" -}}
csi.opencsp.io
{{- end }}

{{- define "opencsp.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Prefix of object names: the release name when it already holds the chart name. */}}
{{- define "opencsp.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "opencsp.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Selector labels of one component: call with (dict "root" $ "component" "controller"). */}}
{{- define "opencsp.selectorLabels" -}}
app.kubernetes.io/name: {{ include "opencsp.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{/* All labels of one component's objects: call with (dict "root" $ "component" "controller"). */}}
{{- define "opencsp.labels" -}}
{{ include "opencsp.selectorLabels" . }}
helm.sh/chart: {{ include "opencsp.chart" .root }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
app.kubernetes.io/part-of: opencsp
{{- with .root.Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* An image reference from {repository, tag, digest}; the tag defaults to the appVersion. */}}
{{- define "opencsp.image" -}}
{{- $img := .image }}
{{- if $img.digest }}
{{- printf "%s@%s" $img.repository $img.digest }}
{{- else }}
{{- printf "%s:%s" $img.repository (default .root.Chart.AppVersion $img.tag) }}
{{- end }}
{{- end }}

{{- define "opencsp.controllerServiceAccount" -}}
{{- default (printf "%s-controller" (include "opencsp.fullname" .)) .Values.serviceAccount.controller.name }}
{{- end }}

{{- define "opencsp.nodeServiceAccount" -}}
{{- default (printf "%s-node" (include "opencsp.fullname" .)) .Values.serviceAccount.node.name }}
{{- end }}

{{- define "opencsp.cspServiceAccount" -}}
{{- default (printf "%s-csp" (include "opencsp.fullname" .)) .Values.serviceAccount.csp.name }}
{{- end }}

{{/* Name of a CSP's Deployment and Service: call with (dict "root" $ "csp" "truenas"). */}}
{{- define "opencsp.cspName" -}}
{{- printf "%s-csp-%s" (include "opencsp.fullname" .root) .csp | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The node plugin's socket directory on the host. */}}
{{- define "opencsp.pluginDir" -}}
{{- printf "%s/plugins/%s" (trimSuffix "/" .Values.node.kubeletDir) (include "opencsp.driverName" .) }}
{{- end }}

{{/* Namespaces whose Secrets the sidecars may read, as a YAML list (see rbac.secrets). */}}
{{- define "opencsp.secretNamespaces" -}}
{{- $ns := list .Release.Namespace }}
{{- range .Values.rbac.secrets.secretNamespaces }}
{{- $ns = append $ns . }}
{{- end }}
{{- range concat .Values.storageClasses .Values.volumeSnapshotClasses }}
{{- if .secretNamespace }}
{{- $ns = append $ns .secretNamespace }}
{{- end }}
{{- end }}
{{- toYaml (uniq $ns) }}
{{- end }}

{{/* Container securityContext of every unprivileged container. */}}
{{- define "opencsp.restrictedContainer" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
capabilities:
  drop:
    - ALL
{{- end }}

{{/*
CSP requests in flight per CSP session for the controller's driver: driver.cspConnections, or
the sum of the workers of the sidecars that call the controller (each RPC has one CSP request in
flight at a time).
*/}}
{{- define "opencsp.cspConnections" -}}
{{- $sc := .Values.sidecars -}}
{{- if gt (int .Values.driver.cspConnections) 0 -}}
{{- .Values.driver.cspConnections -}}
{{- else -}}
{{- $n := add $sc.provisioner.workerThreads $sc.attacher.workerThreads -}}
{{- if $sc.snapshotter.enabled }}{{ $n = add $n $sc.snapshotter.workerThreads }}{{ end -}}
{{- if $sc.resizer.enabled }}{{ $n = add $n $sc.resizer.workers }}{{ end -}}
{{- $n -}}
{{- end -}}
{{- end }}

{{/*
The Secret the controller's driver reads at start (--csp-secret-dir): controller.cspSecretName,
or else the first of backendSecrets (the chart made it, in the release namespace). With it the
driver knows its CSP before the sidecars read its capabilities once at start, so it can advertise
MODIFY_VOLUME and LIST_VOLUMES_PUBLISHED_NODES. Empty: none.
*/}}
{{- define "opencsp.controllerCspSecret" -}}
{{- if .Values.controller.cspSecretName -}}
{{- .Values.controller.cspSecretName -}}
{{- else if .Values.backendSecrets -}}
{{- (first .Values.backendSecrets).name -}}
{{- end -}}
{{- end }}
