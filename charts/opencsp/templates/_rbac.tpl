{{/* A ClusterRoleBinding of one controller ClusterRole to the controller ServiceAccount:
call with (dict "root" $ "role" "provisioner"). */}}
{{- define "opencsp.controllerClusterRoleBinding" -}}
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: {{ include "opencsp.fullname" .root }}-{{ .role }}
  labels:
    {{- include "opencsp.labels" (dict "root" .root "component" "controller") | nindent 4 }}
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: {{ include "opencsp.fullname" .root }}-{{ .role }}
subjects:
  - kind: ServiceAccount
    name: {{ include "opencsp.controllerServiceAccount" .root }}
    namespace: {{ .root.Release.Namespace }}
{{- end }}
