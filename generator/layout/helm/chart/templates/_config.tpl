{{/* The container's configuration: command, args and environment
     variables (literal, from the Secret <name>-secrets the secrets store
     syncs, from the ConfigMap <name>-config), in the order of the values
     (sorted by name). */}}
{{- define "service.containerConfig" -}}
{{- $v := .Values -}}
{{- with $v.command }}
command:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $v.args }}
args:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $v.env }}
env:
  {{- range . }}
  - name: {{ .name | quote }}
    {{- if .secretKey }}
    valueFrom:
      secretKeyRef:
        name: {{ printf "%s-secrets" $v.name | quote }}
        key: {{ .secretKey | quote }}
    {{- else if .configKey }}
    valueFrom:
      configMapKeyRef:
        name: {{ printf "%s-config" $v.name | quote }}
        key: {{ .configKey | quote }}
    {{- else if .value }}
    value: {{ .value | quote }}
    {{- end }}
  {{- end }}
{{- end }}
{{- end }}

{{/* The hash of the configuration on the pod template: a change rolls the pods. */}}
{{- define "service.configAnnotations" -}}
{{- with .Values.config }}
annotations:
  plinth.dev/config-hash: {{ .hash | quote }}
{{- end }}
{{- end }}

{{/* The configuration files, mounted read-only. */}}
{{- define "service.configVolumeMount" -}}
{{- if and .Values.config .Values.config.files }}
- name: config
  mountPath: {{ .Values.config.mountPath | quote }}
  readOnly: true
{{- end }}
{{- end }}

{{- define "service.configVolume" -}}
{{- if and .Values.config .Values.config.files }}
- name: config
  configMap:
    name: {{ printf "%s-config" .Values.name | quote }}
    items:
      {{- range $f, $_ := .Values.config.files }}
      - key: {{ $f | quote }}
        path: {{ $f | quote }}
      {{- end }}
{{- end }}
{{- end }}
