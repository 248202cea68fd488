{{/* Selector labels of the service's pods (selectorName: the canary's). */}}
{{- define "service.selector" -}}
app.kubernetes.io/name: {{ .Values.selectorName | default .Values.name | quote }}
{{- end }}

{{/* Metadata of every object. */}}
{{- define "service.metadata" -}}
metadata:
  name: {{ .Values.name | quote }}
  namespace: {{ .Release.Namespace | quote }}
  labels:
    {{- toYaml .Values.labels | nindent 4 }}
{{- end }}

{{/* Metadata of the Deployment or CronJob: images are pinned, so
     IfNotPresent is kept and kube-score's pull-policy rule waived. */}}
{{- define "service.controllerMetadata" -}}
{{ include "service.metadata" . }}
  annotations:
    kube-score/ignore: container-image-pull-policy
{{- end }}

{{/* The restricted pod (seed 004 "Restricted Pod Security Context"). */}}
{{- define "service.pod" -}}
{{- $v := .Values -}}
{{- /* Only Azure Workload Identity reads the mounted token; GKE Workload
       Identity gets tokens from the GKE metadata server. */ -}}
{{- $azure := ($v.identity | default dict).clientID -}}
metadata:
  labels:
    {{- toYaml $v.labels | nindent 4 }}
    {{- if $azure }}
    azure.workload.identity/use: "true"
    {{- end }}
  {{- include "service.configAnnotations" . | nindent 2 }}
spec:
  serviceAccountName: {{ $v.name | quote }}
  automountServiceAccountToken: false
  {{- with include "service.placement" . | trim }}{{ . | nindent 2 }}{{ end }}
  {{- if eq $v.kind "CronJob" }}
  restartPolicy: OnFailure
  {{- else }}
  topologySpreadConstraints:
    {{- if $v.zoneSpread }}
    - maxSkew: 1
      topologyKey: topology.kubernetes.io/zone
      whenUnsatisfiable: DoNotSchedule
      labelSelector:
        matchLabels:
          {{- include "service.selector" . | nindent 10 }}
    {{- end }}
    - maxSkew: 1
      topologyKey: kubernetes.io/hostname
      whenUnsatisfiable: ScheduleAnyway
      labelSelector:
        matchLabels:
          {{- include "service.selector" . | nindent 10 }}
  affinity:
    podAntiAffinity:
      preferredDuringSchedulingIgnoredDuringExecution:
        - weight: 100
          podAffinityTerm:
            topologyKey: kubernetes.io/hostname
            labelSelector:
              matchLabels:
                {{- include "service.selector" . | nindent 16 }}
  {{- end }}
  securityContext:
    runAsNonRoot: true
    runAsUser: {{ int64 $v.security.runAsUser }}
    runAsGroup: {{ int64 $v.security.runAsGroup }}
    fsGroup: {{ int64 $v.security.runAsGroup }}
    seccompProfile:
      type: RuntimeDefault
  containers:
    - name: {{ $v.name | quote }}
      image: {{ $v.image | quote }}
      imagePullPolicy: IfNotPresent
      {{- include "service.containerConfig" . | nindent 6 }}
      {{- if $v.ports }}
      ports:
        {{- range $v.ports }}
        - name: {{ .name | quote }}
          containerPort: {{ int64 .port }}
          protocol: {{ .protocol | quote }}
        {{- end }}
      {{- end }}
      {{- if ne $v.kind "CronJob" }}
      {{- with $v.probes.liveness }}
      livenessProbe:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $v.probes.readiness }}
      readinessProbe:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $v.probes.startup }}
      startupProbe:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- end }}
      resources:
        {{- toYaml $v.resources | nindent 8 }}
      securityContext:
        runAsNonRoot: true
        runAsUser: {{ int64 $v.security.runAsUser }}
        runAsGroup: {{ int64 $v.security.runAsGroup }}
        allowPrivilegeEscalation: false
        readOnlyRootFilesystem: {{ $v.security.readOnlyRootFilesystem }}
        capabilities:
          drop: ["ALL"]
        seccompProfile:
          type: RuntimeDefault
      volumeMounts:
        - name: tmp
          mountPath: /tmp
        {{- if $v.secrets }}
        - name: secrets-store
          mountPath: /mnt/secrets-store
          readOnly: true
        {{- end }}
        {{- include "service.configVolumeMount" . | nindent 8 }}
  volumes:
    - name: tmp
      emptyDir: {}
    {{- if $v.secrets }}
    - name: secrets-store
      csi:
        driver: {{ if $v.secrets.gcpProject }}secrets-store-gke.csi.k8s.io{{ else }}secrets-store.csi.k8s.io{{ end }}
        readOnly: true
        volumeAttributes:
          secretProviderClass: {{ $v.name | quote }}
    {{- end }}
    {{- include "service.configVolume" . | nindent 4 }}
{{- end }}
