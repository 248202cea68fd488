{{/* The node pool of the pods (seed 004 "2. Node Pool 전략"): its node
     selector, the tolerations of its taints, and the PriorityClass the
     service names; fields of the pod spec, indented by the caller. */}}
{{- define "service.placement" -}}
{{- $v := .Values -}}
{{- with $v.priorityClassName }}
priorityClassName: {{ . | quote }}
{{- end }}
{{- with $v.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $v.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end }}
