package validate

import (
	"encoding/json"
	"fmt"
	"github.com/plinth-dev/plinth/internal/testutil/crds"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"
)

func obj(t testing.TB, src string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := yaml.Unmarshal([]byte(src), &m); err != nil {
		t.Fatalf("test object: %v", err)
	}
	return m
}

const deployment = `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: team-a-prod
  creationTimestamp: null
  labels: {app: web}
spec:
  selector: {matchLabels: {app: web}}
  strategy: {}
  template:
    metadata:
      creationTimestamp: null
      labels: {app: web}
    spec:
      securityContext: {runAsNonRoot: true, runAsUser: 10001, seccompProfile: {type: RuntimeDefault}}
      containers:
      - name: web
        image: registry.example.com/web:1.2.3
        imagePullPolicy: IfNotPresent
        ports: [{containerPort: 8080}]
        resources:
          requests: {cpu: 100m, memory: 128Mi}
          limits: {cpu: 1, memory: 256Mi}
        readinessProbe: {httpGet: {path: /ready, port: 8080}}
        livenessProbe: {httpGet: {path: /healthz, port: http}}
        securityContext: {allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: {drop: [ALL]}}
        volumeMounts: [{name: tmp, mountPath: /tmp}]
      volumes: [{name: tmp, emptyDir: {}}]
status: {}
`

const schedule = `
apiVersion: velero.io/v1
kind: Schedule
metadata: {name: prod-daily, namespace: velero}
spec:
  schedule: "0 3 * * *"
  template:
    ttl: 720h0m0s
    includedNamespaces: [team-a-prod]
`

const gitRepository = `
apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata: {name: fleet, namespace: flux-system}
spec:
  interval: 1m
  url: https://git.example.com/fleet.git
  ref: {branch: main}
`

const application = `
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: team-a-prod, namespace: argocd}
spec:
  project: team-a
  source: {repoURL: https://git.example.com/fleet.git, path: clusters/prod/apps, targetRevision: main}
  destination: {server: https://kubernetes.default.svc, namespace: team-a-prod}
  syncPolicy: {automated: {prune: true, selfHeal: true}}
`

const spc = `
apiVersion: secrets-store.csi.x-k8s.io/v1
kind: SecretProviderClass
metadata: {name: web, namespace: team-a-prod}
spec:
  provider: azure
  parameters: {keyvaultName: kv, tenantId: t, clientID: c, objects: "array: []"}
`

const httpRoute = `
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: web, namespace: team-a-prod}
spec:
  parentRefs: [{name: gw, namespace: infra}]
  hostnames: [web.example.com]
  rules: [{backendRefs: [{name: web, port: 80}]}]
`

const serviceCIDR = `
apiVersion: networking.k8s.io/v1
kind: ServiceCIDR
metadata: {name: extra}
spec: {cidrs: [10.100.0.0/16]}
`

// edit returns src with old replaced by new (once, must match).
func edit(t *testing.T, src, old, new string) string {
	t.Helper()
	if !strings.Contains(src, old) {
		t.Fatalf("edit: %q not in object", old)
	}
	return strings.Replace(src, old, new, 1)
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name    string
		version string
		src     string
		want    []string // substrings of the error; none: valid
	}{
		{name: "deployment", version: "1.34", src: deployment},
		{name: "deployment 1.32", version: "1.32", src: deployment},
		{name: "deployment v1.33.2", version: "v1.33.2", src: deployment},
		{name: "velero schedule", version: "1.34", src: schedule},
		{name: "flux git repository", version: "1.34", src: gitRepository},
		{name: "argo application", version: "1.34", src: application},
		{name: "secret provider class", version: "1.34", src: spc},
		{name: "gateway httproute", version: "1.33", src: httpRoute},
		{name: "unknown field", version: "1.34", src: edit(t, deployment, "imagePullPolicy:", "imagePullPolicyy:"),
			want: []string{"src: Deployment/web: spec.template.spec.containers[0].imagePullPolicyy: unknown field"}},
		{name: "unknown top-level field", version: "1.34", src: deployment + "extra: 1\n",
			want: []string{"Deployment/web: extra: unknown field"}},
		{name: "wrong type", version: "1.34", src: edit(t, deployment, "containerPort: 8080", "containerPort: eighty"),
			want: []string{"spec.template.spec.containers[0].ports[0].containerPort: expected integer, got string"}},
		{name: "int-or-string accepts int and string", version: "1.34", src: edit(t, deployment, "port: http", "port: 8081")},
		{name: "missing required", version: "1.34", src: edit(t, deployment, "- name: web\n        image:", "- image:"),
			want: []string{"spec.template.spec.containers[0].name: required field missing"}},
		{name: "missing name", version: "1.34", src: edit(t, deployment, "name: web\n  namespace", "namespace"),
			want: []string{"Deployment/-: metadata.name: required field missing"}},
		{name: "unknown kind", version: "1.34", src: edit(t, deployment, "kind: Deployment", "kind: Deploymnt"),
			want: []string{"Deploymnt/web: unknown kind apps/v1 Deploymnt for Kubernetes 1.34"}},
		{name: "removed API version", version: "1.34", src: edit(t, deployment, "apps/v1", "extensions/v1beta1"),
			want: []string{"unknown kind extensions/v1beta1 Deployment"}},
		{name: "missing kind", version: "1.34", src: edit(t, deployment, "kind: Deployment", ""),
			want: []string{"-/web: apiVersion and kind are required"}},
		{name: "kind GA in 1.33", version: "1.34", src: serviceCIDR},
		{name: "kind not served by 1.32", version: "1.32", src: serviceCIDR,
			want: []string{"src: ServiceCIDR/extra: unknown kind networking.k8s.io/v1 ServiceCIDR for Kubernetes 1.32"}},
		{name: "CRD unknown field", version: "1.34", src: edit(t, schedule, "ttl:", "tll:"),
			want: []string{"Schedule/prod-daily: spec.template.tll: unknown field"}},
		{name: "CRD missing required", version: "1.34", src: edit(t, gitRepository, "  url: https://git.example.com/fleet.git\n", ""),
			want: []string{"GitRepository/fleet: spec.url: required field missing"}},
		{name: "CRD wrong type", version: "1.34", src: edit(t, application, "prune: true", "prune: yes please"),
			want: []string{"Application/team-a-prod: spec.syncPolicy.automated.prune: expected boolean, got string"}},
		{name: "CRD metadata is ObjectMeta", version: "1.34", src: edit(t, gitRepository, "namespace: flux-system", "namespace: flux-system, labelz: {}"),
			want: []string{"GitRepository/fleet: metadata.labelz: unknown field"}},
		{name: "CRD enum", version: "1.34", src: edit(t, httpRoute, "rules: [{backendRefs", "rules: [{matches: [{path: {type: Bogus}}], backendRefs"),
			want: []string{`HTTPRoute/web: spec.rules[0].matches[0].path.type: "Bogus" is not one of "Exact", "PathPrefix", "RegularExpression"`}},
		{name: "CRD pattern", version: "1.34", src: edit(t, gitRepository, "interval: 1m", "interval: soon"),
			want: []string{"GitRepository/fleet: spec.interval: "}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := Validate(tc.version, []Object{{Source: "src", Value: obj(t, tc.src)}})
			if len(tc.want) == 0 {
				if err != nil {
					t.Fatalf("want valid, got %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("want error containing %q, got nil", tc.want)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

func TestValidateListsEveryProblemInOrder(t *testing.T) {
	a := obj(t, edit(t, deployment, "imagePullPolicy:", "pullPolicy:"))
	b := obj(t, edit(t, schedule, "schedule:", "cron:"))
	c := obj(t, deployment)
	err := Validate("1.34", []Object{{"a.yaml", a}, {"c.yaml", c}, {"b.yaml:3", b}})
	if err == nil {
		t.Fatal("want error")
	}
	ve, ok := err.(*Error)
	if !ok {
		t.Fatalf("want *Error, got %T", err)
	}
	want := []string{
		"a.yaml: Deployment/web: spec.template.spec.containers[0].pullPolicy: unknown field",
		"b.yaml:3: Schedule/prod-daily: spec.cron: unknown field",
		"b.yaml:3: Schedule/prod-daily: spec.schedule: required field missing",
	}
	if strings.Join(ve.Problems, "\n") != strings.Join(want, "\n") {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(ve.Problems, "\n"), strings.Join(want, "\n"))
	}
}

func TestUnsupportedVersion(t *testing.T) {
	for _, v := range []string{"1.20", "", "latest", "2.0"} {
		err := Validate(v, []Object{{Source: "x", Value: obj(t, deployment)}})
		if err == nil || !strings.Contains(err.Error(), "no schemas (supported: 1.32") {
			t.Errorf("version %q: got %v", v, err)
		}
	}
}

func TestVersionsAndKinds(t *testing.T) {
	vs := Versions()
	for _, want := range []string{"1.32", "1.33", "1.34"} {
		found := false
		for _, v := range vs {
			found = found || v == want
		}
		if !found {
			t.Errorf("version %s not embedded (have %v)", want, vs)
		}
	}
	ks, err := Kinds("1.34")
	if err != nil {
		t.Fatal(err)
	}
	need := []string{
		"v1/Namespace", "apps/v1/Deployment", "batch/v1/CronJob", "autoscaling/v2/HorizontalPodAutoscaler",
		"policy/v1/PodDisruptionBudget", "networking.k8s.io/v1/NetworkPolicy", "rbac.authorization.k8s.io/v1/RoleBinding",
		"velero.io/v1/Schedule", "source.toolkit.fluxcd.io/v1/GitRepository", "source.toolkit.fluxcd.io/v1/HelmRepository",
		"kustomize.toolkit.fluxcd.io/v1/Kustomization", "helm.toolkit.fluxcd.io/v2/HelmRelease",
		"argoproj.io/v1alpha1/Application", "argoproj.io/v1alpha1/ApplicationSet", "argoproj.io/v1alpha1/AppProject",
		"gateway.networking.k8s.io/v1/HTTPRoute", "secrets-store.csi.x-k8s.io/v1/SecretProviderClass",
	}
	for _, n := range need {
		found := false
		for _, k := range ks {
			found = found || k == n
		}
		if !found {
			t.Errorf("kind %s missing", n)
		}
	}
}

func TestCRDs(t *testing.T) {
	docs, err := crds.Published()
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) < 30 {
		t.Fatalf("got %d CRDs, want the Velero, Flux, Argo CD, Gateway API and CSI ones", len(docs))
	}
	for _, d := range docs {
		m := obj(t, string(d))
		if m["kind"] != "CustomResourceDefinition" {
			t.Errorf("not a CRD: %.80s", d)
		}
	}
}

func TestGoTypedValues(t *testing.T) {
	// Values built in Go (not decoded from JSON) are accepted too.
	m := obj(t, deployment)
	m["metadata"].(map[string]any)["labels"] = map[string]string{"app": "web"}
	if err := Validate("1.34", []Object{{Source: "go", Value: m}}); err != nil {
		t.Fatal(err)
	}
	var n map[string]any
	d := json.NewDecoder(strings.NewReader(`{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"x"}}`))
	d.UseNumber()
	if err := d.Decode(&n); err != nil {
		t.Fatal(err)
	}
	if err := Validate("1.34", []Object{{Source: "json", Value: n}}); err != nil {
		t.Fatal(err)
	}
}

func TestConcurrentUse(t *testing.T) {
	// First use of several versions and kinds from many goroutines at once
	// (run with -race).
	srcs := []string{deployment, schedule, gitRepository, application, spc, httpRoute}
	var objs []Object
	for i := range 200 {
		objs = append(objs, Object{Source: "c", Value: obj(t, srcs[i%len(srcs)])})
	}
	done := make(chan error)
	for i := range 8 {
		go func() {
			done <- Validate([]string{"1.33", "1.35"}[i%2], objs)
		}()
	}
	for range 8 {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}

func TestValidAcrossVersions(t *testing.T) {
	var objs []Object
	for i, src := range []string{deployment, schedule, gitRepository, application, spc, httpRoute} {
		objs = append(objs, Object{Source: fmt.Sprint("obj", i), Value: obj(t, src)})
	}
	for _, v := range Versions() {
		if err := Validate(v, objs); err != nil {
			t.Errorf("Kubernetes %s: %v", v, err)
		}
	}
}
