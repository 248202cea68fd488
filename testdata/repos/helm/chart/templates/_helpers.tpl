{{- define "shop.labels" -}}
app: {{ .Release.Name }}
{{- end }}
