{{/* TLS between the driver and this release's CSPs (docs/security.md). The driver sends array
credentials to the CSP Services, so the CSPs serve HTTPS and the controller verifies them against
a CA: one Helm generates and keeps (cspTls.mode generate), one cert-manager issues from
(certManager), or the operator's own Secret (secret). `disabled` is plain HTTP on both sides. */}}

{{/* "true" when this release runs a CSP. */}}
{{- define "opencsp.anyCsp" -}}
{{- if or .Values.csps.truenas.enabled .Values.csps.synology.enabled }}true{{ end }}
{{- end }}

{{/* "true" when this release's CSPs serve HTTPS. */}}
{{- define "opencsp.cspTlsOn" -}}
{{- if and (include "opencsp.anyCsp" .) (ne .Values.cspTls.mode "disabled") }}true{{ end }}
{{- end }}

{{/* The Secret holding the CSPs' serving certificate (tls.crt, tls.key; ca.crt when known). */}}
{{- define "opencsp.cspTlsSecretName" -}}
{{- if eq .Values.cspTls.mode "secret" }}
{{- required "cspTls.secretName is required when cspTls.mode is secret" .Values.cspTls.secretName }}
{{- else }}
{{- printf "%s-csp-tls" (include "opencsp.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}

{{/* The Secret holding the generated CA (ca.crt, ca.key): generate mode only. */}}
{{- define "opencsp.cspCaSecretName" -}}
{{- printf "%s-csp-ca" (include "opencsp.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* DNS names of the enabled CSP Services (short, namespaced and cluster-qualified), as JSON. */}}
{{- define "opencsp.cspDnsNames" -}}
{{- $names := list }}
{{- range $csp := list "truenas" "synology" }}
{{- if (index $.Values.csps $csp).enabled }}
{{- $svc := include "opencsp.cspName" (dict "root" $ "csp" $csp) }}
{{- $ns := $.Release.Namespace }}
{{- $names = concat $names (list $svc (printf "%s.%s" $svc $ns) (printf "%s.%s.svc" $svc $ns) (printf "%s.%s.svc.%s" $svc $ns $.Values.cspTls.clusterDomain)) }}
{{- end }}
{{- end }}
{{- toJson $names }}
{{- end }}

{{/* Where the controller reads the CA bundle it trusts for CSPs, as JSON {secretName, key}, or
nothing (system CAs). driver.cspCaBundle wins; otherwise the CA of this release's CSPs. */}}
{{- define "opencsp.cspCaRef" -}}
{{- if .Values.driver.cspCaBundle.secretName }}
{{- toJson (dict "secretName" .Values.driver.cspCaBundle.secretName "key" .Values.driver.cspCaBundle.key) }}
{{- else if include "opencsp.cspTlsOn" . }}
{{- if eq .Values.cspTls.mode "generate" }}
{{- toJson (dict "secretName" (include "opencsp.cspCaSecretName" .) "key" "ca.crt") }}
{{- else }}
{{- toJson (dict "secretName" (include "opencsp.cspTlsSecretName" .) "key" "ca.crt") }}
{{- end }}
{{- end }}
{{- end }}
