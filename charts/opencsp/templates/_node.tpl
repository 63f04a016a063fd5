{{/* Pod spec of the node DaemonSet. The driver is privileged: it runs the host's iscsiadm and
multipath (chroot into /host, or nsenter into PID 1's namespaces), formats and mounts devices,
and its mounts under the kubelet directory must reach kubelet and the pods (Bidirectional). The
registrar and the livenessprobe are unprivileged. The pod never talks to the Kubernetes API. */}}

{{- define "opencsp.nodePodSpec" -}}
{{- $n := .Values.node }}
{{- $sc := .Values.sidecars }}
{{- $kubeletDir := trimSuffix "/" $n.kubeletDir }}
{{- $pluginDir := include "opencsp.pluginDir" . -}}
serviceAccountName: {{ include "opencsp.nodeServiceAccount" . }}
automountServiceAccountToken: false
{{- with $n.priorityClassName }}
priorityClassName: {{ . }}
{{- end }}
hostNetwork: {{ $n.hostNetwork }}
{{- if $n.hostNetwork }}
dnsPolicy: ClusterFirstWithHostNet
{{- end }}
{{- if eq $n.hostMode "nsenter" }}
hostPID: true
{{- end }}
nodeSelector:
  kubernetes.io/os: linux
  {{- with $n.nodeSelector }}
  {{- toYaml . | nindent 2 }}
  {{- end }}
{{- with $n.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $n.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
containers:
  - name: csi-driver
    image: {{ include "opencsp.image" (dict "root" . "image" .Values.image) }}
    imagePullPolicy: {{ .Values.image.pullPolicy }}
    args:
      - --endpoint=unix:///csi/csi.sock
      - --mode=node
      - --node-name=$(NODE_NAME)
      - --log-level={{ default .Values.driver.logLevel $n.logLevel }}
      - --host-mode={{ $n.hostMode }}
      - --host-root=/host
      - --state-dir={{ $n.stateDir }}
      - --max-volumes-per-node={{ int $n.maxVolumesPerNode }}
      {{- if gt (int $n.reservedVolumeAttachments) 0 }}
      - --reserved-volume-attachments={{ int $n.reservedVolumeAttachments }}
      {{- end }}
      - --multipath={{ $n.multipath }}
      - --iscsi-node-db-concurrency={{ int (default 4 $n.iscsiNodeDbConcurrency) }}
      - --iscsi-node-db-timeout={{ default "2m" $n.iscsiNodeDbTimeout }}
      - --nvme={{ default "auto" $n.nvme }}
      {{- if and .Values.sidecars.snapshotter.enabled .Values.sidecars.snapshotter.volumeGroupSnapshots }}
      - --group-snapshots=true
      {{- end }}
      {{- if .Values.metrics.enabled }}
      - --metrics-address=:{{ int .Values.metrics.nodePort }}
      - --metrics-path={{ .Values.metrics.path }}
      {{- end }}
    env:
      - name: NODE_NAME
        valueFrom:
          fieldRef:
            fieldPath: spec.nodeName
      {{- with concat .Values.driver.extraEnv $n.extraEnv }}
      {{- toYaml . | nindent 6 }}
      {{- end }}
    ports:
      - name: healthz
        containerPort: {{ $n.healthPort }}
        protocol: TCP
      {{- if .Values.metrics.enabled }}
      - name: metrics
        containerPort: {{ .Values.metrics.nodePort }}
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
      privileged: true
      readOnlyRootFilesystem: false
    volumeMounts:
      - name: kubelet-dir
        mountPath: {{ $kubeletDir }}
        mountPropagation: Bidirectional
      - name: plugin-dir
        mountPath: /csi
      - name: host-root
        mountPath: /host
        mountPropagation: {{ if eq $n.hostMode "chroot" }}Bidirectional{{ else }}HostToContainer{{ end }}
      - name: device-dir
        mountPath: /dev
      - name: sys-dir
        mountPath: /sys
      - name: state-dir
        mountPath: {{ $n.stateDir }}
      {{- if eq $n.hostMode "direct" }}
      - name: iscsi-dir
        mountPath: /etc/iscsi
      - name: multipath-dir
        mountPath: /etc/multipath
      - name: multipath-conf
        mountPath: /etc/multipath.conf
      - name: nvme-dir
        mountPath: /etc/nvme
      - name: udev-dir
        mountPath: /run/udev
        readOnly: true
      - name: modules-dir
        mountPath: /lib/modules
        readOnly: true
      {{- end }}
    {{- with $n.resources }}
    resources:
      {{- toYaml . | nindent 6 }}
    {{- end }}
  - name: node-driver-registrar
    image: {{ include "opencsp.image" (dict "root" . "image" $sc.nodeDriverRegistrar.image) }}
    imagePullPolicy: {{ $sc.nodeDriverRegistrar.image.pullPolicy }}
    args:
      - --csi-address=/csi/csi.sock
      - --kubelet-registration-path={{ $pluginDir }}/csi.sock
      - --http-endpoint=:{{ $n.registrarHealthPort }}
      - --v={{ $sc.nodeDriverRegistrar.logLevel }}
      {{- with $sc.nodeDriverRegistrar.extraArgs }}
      {{- toYaml . | nindent 6 }}
      {{- end }}
    ports:
      - name: registrar
        containerPort: {{ $n.registrarHealthPort }}
        protocol: TCP
    livenessProbe:
      httpGet:
        path: /healthz
        port: registrar
      initialDelaySeconds: 5
      periodSeconds: 30
      timeoutSeconds: 15
    securityContext:
      {{- include "opencsp.restrictedContainer" . | nindent 6 }}
    volumeMounts:
      - name: plugin-dir
        mountPath: /csi
      - name: registration-dir
        mountPath: /registration
    {{- with $sc.nodeDriverRegistrar.resources }}
    resources:
      {{- toYaml . | nindent 6 }}
    {{- end }}
  - name: liveness-probe
    image: {{ include "opencsp.image" (dict "root" . "image" $sc.livenessProbe.image) }}
    imagePullPolicy: {{ $sc.livenessProbe.image.pullPolicy }}
    args:
      - --csi-address=/csi/csi.sock
      - --health-port={{ $n.healthPort }}
      - --probe-timeout={{ $sc.livenessProbe.probeTimeout }}
      - --v={{ $sc.livenessProbe.logLevel }}
      {{- with $sc.livenessProbe.extraArgs }}
      {{- toYaml . | nindent 6 }}
      {{- end }}
    securityContext:
      {{- include "opencsp.restrictedContainer" . | nindent 6 }}
    volumeMounts:
      - name: plugin-dir
        mountPath: /csi
    {{- with $sc.livenessProbe.resources }}
    resources:
      {{- toYaml . | nindent 6 }}
    {{- end }}
volumes:
  - name: kubelet-dir
    hostPath:
      path: {{ $kubeletDir }}
      type: Directory
  - name: plugin-dir
    hostPath:
      path: {{ $pluginDir }}
      type: DirectoryOrCreate
  - name: registration-dir
    hostPath:
      path: {{ $kubeletDir }}/plugins_registry
      type: Directory
  - name: host-root
    hostPath:
      path: /
      type: Directory
  - name: device-dir
    hostPath:
      path: /dev
      type: Directory
  - name: sys-dir
    hostPath:
      path: /sys
      type: Directory
  - name: state-dir
    hostPath:
      path: {{ $n.stateDir }}
      type: DirectoryOrCreate
  {{- if eq $n.hostMode "direct" }}
  - name: iscsi-dir
    hostPath:
      path: /etc/iscsi
      type: DirectoryOrCreate
  - name: multipath-dir
    hostPath:
      path: /etc/multipath
      type: DirectoryOrCreate
  - name: multipath-conf
    hostPath:
      path: /etc/multipath.conf
      type: FileOrCreate
  - name: nvme-dir
    hostPath:
      path: /etc/nvme
      type: DirectoryOrCreate
  - name: udev-dir
    hostPath:
      path: /run/udev
      type: Directory
  - name: modules-dir
    hostPath:
      path: /lib/modules
      type: Directory
  {{- end }}
{{- end }}
