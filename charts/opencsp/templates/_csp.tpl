{{/* One Container Storage Provider: call with (dict "root" $ "csp" "truenas" "values" $cspValues).
CSPs are HTTPS services inside the cluster (plain HTTP only with cspTls.mode disabled): non-root,
read-only root filesystem, no capabilities, no Kubernetes API token. */}}

{{/* The name of a CSP's port: https, or http when TLS is disabled. */}}
{{- define "opencsp.cspPortName" -}}
{{- if include "opencsp.cspTlsOn" . }}https{{ else }}http{{ end }}
{{- end }}

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
{{- $tls := include "opencsp.cspTlsOn" .root }}
{{- $port := include "opencsp.cspPortName" .root }}
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
        fsGroup: 65532
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
            {{- if $tls }}
            - --cert-file=/etc/opencsp/tls/tls.crt
            - --key-file=/etc/opencsp/tls/tls.key
            {{- else }}
            - --plain-http=true
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
            - name: {{ $port }}
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
              port: {{ $port }}
              {{- if $tls }}
              scheme: HTTPS
              {{- end }}
            initialDelaySeconds: 5
            periodSeconds: 10
            timeoutSeconds: 5
            failureThreshold: 3
          readinessProbe:
            httpGet:
              path: /readyz
              port: {{ $port }}
              {{- if $tls }}
              scheme: HTTPS
              {{- end }}
            periodSeconds: 10
            timeoutSeconds: 5
            failureThreshold: 3
          securityContext:
            {{- include "opencsp.restrictedContainer" . | nindent 12 }}
          volumeMounts:
            - name: tmp
              mountPath: /tmp
            {{- if $tls }}
            - name: tls
              mountPath: /etc/opencsp/tls
              readOnly: true
            {{- end }}
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
        {{- if $tls }}
        # The serving certificate; the CSP re-reads it when the kubelet updates the files.
        - name: tls
          secret:
            secretName: {{ include "opencsp.cspTlsSecretName" .root }}
            defaultMode: 288 # 0440: the CSP's group (fsGroup) reads, nobody writes
            items:
              - key: tls.crt
                path: tls.crt
              - key: tls.key
                path: tls.key
        {{- end }}
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
    - name: {{ include "opencsp.cspPortName" .root }}
      port: {{ .values.service.port }}
      targetPort: {{ include "opencsp.cspPortName" .root }}
      protocol: TCP
{{- end }}

{{/* Only the controller pods (the driver's controller half is the one caller of a CSP; node
plugins never call one) and networkPolicy.extraIngressFrom may connect. */}}
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
        - port: {{ include "opencsp.cspPortName" .root }}
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
