{{/*
Helpers of the chart. Components (app.kubernetes.io/component): ingestion-api,
worker, dashboard-backend, dashboard-frontend, nats, postgres.
*/}}

{{/* Chart name, or nameOverride. */}}
{{- define "nomnom.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Prefix of every resource name: RELEASE-CHART, or RELEASE when it holds the chart name. */}}
{{- define "nomnom.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* Name of one component's resources: (dict "root" $ "component" "worker"). */}}
{{- define "nomnom.componentName" -}}
{{- $full := include "nomnom.fullname" .root | trunc (int (sub 62 (len .component))) | trimSuffix "-" -}}
{{- printf "%s-%s" $full .component -}}
{{- end -}}

{{- define "nomnom.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Labels shared by every object of the release. */}}
{{- define "nomnom.labels" -}}
helm.sh/chart: {{ include "nomnom.chart" . }}
app.kubernetes.io/name: {{ include "nomnom.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: {{ include "nomnom.name" . }}
{{- end -}}

{{/* Selector labels of one component: (dict "root" $ "component" "worker"). */}}
{{- define "nomnom.selectorLabels" -}}
app.kubernetes.io/name: {{ include "nomnom.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* Every label of one component's objects. */}}
{{- define "nomnom.componentLabels" -}}
{{ include "nomnom.labels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* The ServiceAccount the pods run as. */}}
{{- define "nomnom.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "nomnom.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* A service image reference: (dict "root" $ "image" .Values.worker.image). */}}
{{- define "nomnom.image" -}}
{{- $tag := .image.tag | default .root.Values.image.tag | default .root.Chart.AppVersion | toString -}}
{{- $repo := .image.repository -}}
{{- with .root.Values.image.registry -}}
{{- $repo = printf "%s/%s" (trimSuffix "/" .) $repo -}}
{{- end -}}
{{- printf "%s:%s" $repo $tag -}}
{{- end -}}

{{/* NATS_URL: the chart's NATS Service, or nats.external.url. */}}
{{- define "nomnom.natsUrl" -}}
{{- if .Values.nats.enabled -}}
{{- printf "nats://%s:4222" (include "nomnom.componentName" (dict "root" . "component" "nats")) -}}
{{- else -}}
{{- required "nats.external.url is required when nats.enabled is false" .Values.nats.external.url -}}
{{- end -}}
{{- end -}}

{{/* STREAM_REPLICAS: nats.streamReplicas, else nats.replicas (in-cluster) or 1. */}}
{{- define "nomnom.streamReplicas" -}}
{{- $n := int .Values.nats.streamReplicas -}}
{{- if gt $n 0 -}}
{{- if and .Values.nats.enabled (gt $n (int .Values.nats.replicas)) -}}
{{- fail (printf "nats.streamReplicas (%d) cannot exceed nats.replicas (%d)" $n (int .Values.nats.replicas)) -}}
{{- end -}}
{{- $n -}}
{{- else if .Values.nats.enabled -}}
{{- int .Values.nats.replicas -}}
{{- else -}}
1
{{- end -}}
{{- end -}}

{{/* DATABASE_URL without the password (PGPASSWORD carries it). */}}
{{- define "nomnom.databaseUrl" -}}
{{- if .Values.postgres.enabled -}}
{{- printf "postgres://%s@%s:5432/%s?sslmode=disable" .Values.postgres.auth.username (include "nomnom.componentName" (dict "root" . "component" "postgres")) .Values.postgres.auth.database -}}
{{- else -}}
{{- required "postgres.external.url is required when postgres.enabled is false" .Values.postgres.external.url -}}
{{- end -}}
{{- end -}}

{{/* Secret holding the PostgreSQL password, or "" when there is none. */}}
{{- define "nomnom.postgres.secretName" -}}
{{- if .Values.postgres.auth.existingSecret -}}
{{- .Values.postgres.auth.existingSecret -}}
{{- else if or .Values.postgres.enabled .Values.postgres.auth.password -}}
{{- printf "%s-auth" (include "nomnom.componentName" (dict "root" . "component" "postgres")) -}}
{{- end -}}
{{- end -}}

{{- define "nomnom.postgres.secretKey" -}}
{{- if .Values.postgres.auth.existingSecret -}}
{{- .Values.postgres.auth.secretKey -}}
{{- else -}}
password
{{- end -}}
{{- end -}}

{{/* Secret holding API_TOKEN, or "" when there is none. */}}
{{- define "nomnom.apiToken.secretName" -}}
{{- if .Values.ingestionApi.apiToken.existingSecret -}}
{{- .Values.ingestionApi.apiToken.existingSecret -}}
{{- else if .Values.ingestionApi.apiToken.value -}}
{{- printf "%s-token" (include "nomnom.componentName" (dict "root" . "component" "ingestion-api")) -}}
{{- end -}}
{{- end -}}

{{/* LOG_LEVEL and LOG_FORMAT. */}}
{{- define "nomnom.logEnv" -}}
- name: LOG_LEVEL
  value: {{ .Values.log.level | quote }}
- name: LOG_FORMAT
  value: {{ .Values.log.format | quote }}
{{- end -}}

{{/* NATS_URL and the stream definition (STREAM_REPLICAS and the limits that are set). */}}
{{- define "nomnom.natsEnv" -}}
- name: NATS_URL
  value: {{ include "nomnom.natsUrl" . | quote }}
- name: STREAM_REPLICAS
  value: {{ include "nomnom.streamReplicas" . | quote }}
{{- with .Values.streams.maxAge }}
- name: STREAM_MAX_AGE
  value: {{ . | quote }}
{{- end }}
{{- with .Values.streams.maxBytes }}
- name: STREAM_MAX_BYTES
  value: {{ . | int64 | toString | quote }}
{{- end }}
{{- with .Values.streams.duplicateWindow }}
- name: STREAM_DUPLICATE_WINDOW
  value: {{ . | quote }}
{{- end }}
{{- end -}}

{{/* DATABASE_URL and, when there is a password, PGPASSWORD (read by libpq). */}}
{{- define "nomnom.databaseEnv" -}}
- name: DATABASE_URL
  value: {{ include "nomnom.databaseUrl" . | quote }}
{{- with include "nomnom.postgres.secretName" . }}
- name: PGPASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ . }}
      key: {{ include "nomnom.postgres.secretKey" $ }}
{{- end }}
{{- end -}}

{{/*
Init containers that wait for NATS and/or PostgreSQL with the service image's
nomnom-probe: (dict "root" $ "image" .Values.worker.image "nats" true "postgres" true).
*/}}
{{- define "nomnom.waitInitContainers" -}}
{{- $root := .root -}}
{{- if $root.Values.waitForDependencies.enabled }}
{{- if .nats }}
- name: wait-for-nats
  image: {{ include "nomnom.image" (dict "root" $root "image" .image) | quote }}
  imagePullPolicy: {{ $root.Values.image.pullPolicy }}
  command: ["nomnom-probe", "wait", "-t", {{ $root.Values.waitForDependencies.timeoutSeconds | quote }}, {{ include "nomnom.natsUrl" $root | quote }}]
  securityContext:
    {{- toYaml $root.Values.containerSecurityContext | nindent 4 }}
  resources:
    requests:
      cpu: 10m
      memory: 16Mi
    limits:
      cpu: 100m
      memory: 32Mi
{{- end }}
{{- if .postgres }}
- name: wait-for-postgres
  image: {{ include "nomnom.image" (dict "root" $root "image" .image) | quote }}
  imagePullPolicy: {{ $root.Values.image.pullPolicy }}
  command: ["nomnom-probe", "wait", "-t", {{ $root.Values.waitForDependencies.timeoutSeconds | quote }}, {{ include "nomnom.databaseUrl" $root | quote }}]
  securityContext:
    {{- toYaml $root.Values.containerSecurityContext | nindent 4 }}
  resources:
    requests:
      cpu: 10m
      memory: 16Mi
    limits:
      cpu: 100m
      memory: 32Mi
{{- end }}
{{- end }}
{{- end -}}

{{/*
The annotations: block of a service pod, or nothing: checksums, the
prometheus.io annotations (when prometheusAnnotations is on and a port is
given) and the component's podAnnotations, which win.
(dict "root" $ "port" 8080 "extra" .Values.worker.podAnnotations "checksums" (dict ...))
*/}}
{{- define "nomnom.podAnnotations" -}}
{{- $ann := dict -}}
{{- range $k, $v := (.checksums | default dict) }}{{ $_ := set $ann $k $v }}{{ end -}}
{{- if and .port .root.Values.prometheusAnnotations -}}
{{- $_ := set $ann "prometheus.io/scrape" "true" -}}
{{- $_ := set $ann "prometheus.io/port" (toString (int .port)) -}}
{{- $_ := set $ann "prometheus.io/path" "/metrics" -}}
{{- end -}}
{{- range $k, $v := (.extra | default dict) }}{{ $_ := set $ann $k (toString $v) }}{{ end -}}
{{- with $ann -}}
annotations:
  {{- toYaml . | nindent 2 }}
{{- end -}}
{{- end -}}

{{/* Scheduling and pod-wide settings shared by the four service pods: a component's values. */}}
{{- define "nomnom.podScheduling" -}}
{{- with .nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}
