{{/* One Container Storage Provider: call with (dict "root" $ "csp" "truenas" "values" $cspValues).
CSPs are plain HTTP services inside the cluster: non-root, read-only root filesystem, no
capabilities, no Kubernetes API token. */}}

{{/* The arrays a CSP may contact, as its <CSP>_ALLOWED_ARRAYS / <CSP>_PLAINTEXT_ARRAYS settings (a
YAML map; empty when nothing is set, and never overriding the same key in env): allowedArrays plus
the backend of every backendSecrets entry for this CSP, without a URL scheme. */}}
{{- define "opencsp.cspArrayEnv" -}}
{{- $prefix := upper .csp }}
{{- $allowed := list }}
{{- range .values.allowedArrays }}
{{- $allowed = append $allowed . }}
{{- end }}
{{- range .root.Values.backendSecrets }}
{{- if and (eq (toString .csp) $.csp) .backend }}
{{- $allowed = append $allowed (regexReplaceAll "^[a-z]+://" .backend "" | trimSuffix "/") }}
{{- end }}
{{- end }}
{{- $allowedKey := printf "%s_ALLOWED_ARRAYS" $prefix }}
{{- $plainKey := printf "%s_PLAINTEXT_ARRAYS" $prefix }}
{{- if and $allowed (not (hasKey .values.env $allowedKey)) }}
{{ $allowedKey }}: {{ $allowed | uniq | join "," | quote }}
{{- end }}
{{- if and .values.plaintextArrays (not (hasKey .values.env $plainKey)) }}
{{ $plainKey }}: {{ .values.plaintextArrays | join "," | quote }}
{{- end }}
{{- end }}

{{- define "opencsp.cspDeployment" -}}
{{- $v := .values }}
{{- $component := printf "csp-%s" .csp -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "opencsp.cspName" . }}
  namespace: {{ .root.Release.Namespace }}
  labels:
    {{- include "opencsp.labels" (dict "root" .root "component" $component) | nindent 4 }}
spec:
  replicas: {{ $v.replicas }}
  selector:
    matchLabels:
      {{- include "opencsp.selectorLabels" (dict "root" .root "component" $component) | nindent 6 }}
  template:
    metadata:
      labels:
        {{- include "opencsp.labels" (dict "root" .root "component" $component) | nindent 8 }}
        {{- with $v.podLabels }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      {{- with $v.podAnnotations }}
      annotations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
    spec:
      serviceAccountName: {{ include "opencsp.cspServiceAccount" .root }}
      automountServiceAccountToken: false
      {{- with $v.priorityClassName }}
      priorityClassName: {{ . }}
      {{- end }}
      nodeSelector:
        kubernetes.io/os: linux
        {{- with $v.nodeSelector }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      {{- with $v.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $v.affinity }}
      affinity:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with .root.Values.imagePullSecrets }}
      imagePullSecrets:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      securityContext:
        runAsNonRoot: true
        runAsUser: 65532
        runAsGroup: 65532
        seccompProfile:
          type: RuntimeDefault
      containers:
        - name: csp
          image: {{ include "opencsp.image" (dict "root" .root "image" $v.image) }}
          imagePullPolicy: {{ $v.image.pullPolicy }}
          args:
            - --host=0.0.0.0
            - --port=8080
            - --log-level={{ $v.logLevel }}
            {{- if .root.Values.metrics.enabled }}
            - --metrics-address=:{{ int .root.Values.metrics.cspPort }}
            - --metrics-path={{ .root.Values.metrics.path }}
            {{- end }}
          {{- $arrays := include "opencsp.cspArrayEnv" . | fromYaml }}
          {{- if or $v.env $v.extraEnv $arrays }}
          env:
            {{- range $name, $value := $v.env }}
            - name: {{ $name }}
              {{- /* Values numbers are float64 (as in helm): print integers without an exponent. */}}
              value: {{ (kindIs "float64" $value) | ternary (int64 $value | toString) (toString $value) | quote }}
            {{- end }}
            {{- range $name, $value := $arrays }}
            - name: {{ $name }}
              value: {{ $value | quote }}
            {{- end }}
            {{- with $v.extraEnv }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
          {{- end }}
          {{- with $v.envFrom }}
          envFrom:
            {{- toYaml . | nindent 12 }}
          {{- end }}
          ports:
            - name: http
              containerPort: 8080
              protocol: TCP
            {{- if .root.Values.metrics.enabled }}
            - name: metrics
              containerPort: {{ .root.Values.metrics.cspPort }}
              protocol: TCP
            {{- end }}
          livenessProbe:
            httpGet:
              path: /healthz
              port: http
            initialDelaySeconds: 5
            periodSeconds: 10
            timeoutSeconds: 5
            failureThreshold: 3
          readinessProbe:
            httpGet:
              path: /readyz
              port: http
            periodSeconds: 10
            timeoutSeconds: 5
            failureThreshold: 3
          securityContext:
            {{- include "opencsp.restrictedContainer" . | nindent 12 }}
          volumeMounts:
            - name: tmp
              mountPath: /tmp
            {{- with $v.extraVolumeMounts }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
          {{- with $v.resources }}
          resources:
            {{- toYaml . | nindent 12 }}
          {{- end }}
      volumes:
        - name: tmp
          emptyDir:
            sizeLimit: 64Mi
        {{- with $v.extraVolumes }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
{{- end }}

{{- define "opencsp.cspService" -}}
{{- $component := printf "csp-%s" .csp -}}
apiVersion: v1
kind: Service
metadata:
  name: {{ include "opencsp.cspName" . }}
  namespace: {{ .root.Release.Namespace }}
  labels:
    {{- include "opencsp.labels" (dict "root" .root "component" $component) | nindent 4 }}
  {{- with .values.service.annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
spec:
  type: ClusterIP
  # CSP sessions (tokens) live in one replica's memory: keep each client on one replica.
  sessionAffinity: ClientIP
  selector:
    {{- include "opencsp.selectorLabels" (dict "root" .root "component" $component) | nindent 4 }}
  ports:
    - name: http
      port: {{ .values.service.port }}
      targetPort: http
      protocol: TCP
{{- end }}

{{- define "opencsp.cspNetworkPolicy" -}}
{{- $component := printf "csp-%s" .csp -}}
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {{ include "opencsp.cspName" . }}
  namespace: {{ .root.Release.Namespace }}
  labels:
    {{- include "opencsp.labels" (dict "root" .root "component" $component) | nindent 4 }}
spec:
  podSelector:
    matchLabels:
      {{- include "opencsp.selectorLabels" (dict "root" .root "component" $component) | nindent 6 }}
  policyTypes:
    - Ingress
  ingress:
    - from:
        - podSelector:
            matchLabels:
              {{- include "opencsp.selectorLabels" (dict "root" .root "component" "controller") | nindent 14 }}
        {{- with .root.Values.networkPolicy.extraIngressFrom }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      ports:
        - port: http
          protocol: TCP
    {{- if .root.Values.metrics.enabled }}
    # Prometheus reaches the metrics port only (metrics.networkPolicyFrom; empty: any pod).
    - ports:
        - port: metrics
          protocol: TCP
      {{- with .root.Values.metrics.networkPolicyFrom }}
      from:
        {{- toYaml . | nindent 8 }}
      {{- end }}
    {{- end }}
{{- end }}
