package schemas

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/cuecontext"
	"cuelang.org/go/cue/parser"
)

// shardCore is a valid platform without services.
const shardCore = `package demo

platform: {
	name: "demo"
	registries: ["demo.azurecr.io"]
	gitops: repo: "https://git.example.com/demo-gitops.git"
}
clusters: main: {provider: "aks", kubernetesVersion: "1.34", zones: ["1", "2", "3"]}
environments: {
	dev: {tier: "development", cluster: "main"}
	staging: {tier: "staging", cluster: "main"}
}
teams: shop: access: edit: ["6f1c2a34-8d4e-4b7a-9c1e-2f3a4b5c6d70"]
`

// shardService is a valid service of shardCore named name.
func shardService(name string) string {
	return fmt.Sprintf(`services: %q: {
	team: "shop"
	blueprint: "web"
	image: "demo.azurecr.io/%s:1.0.0"
	port: 8080
	resources: {requests: {cpu: "100m", memory: "128Mi"}, limits: {cpu: "200m", memory: "256Mi"}}
}
`, name, name)
}

// loadShards builds the platform of the files (in name order) and reports
// whether the sharded unification took it, and what Load returns.
func loadShards(t *testing.T, files map[string]string) (sharded bool, m *Model, err error) {
	t.Helper()
	var names []string
	srcs := map[string][]byte{}
	for name, src := range files {
		names = append(names, name)
		srcs[name] = []byte(src)
	}
	slices.Sort(names)
	l := &loader{ctx: cuecontext.New(), userFiles: map[string]bool{}}
	for _, f := range names {
		l.userFiles[f] = true
	}
	if user, err := l.build(names, srcs); err == nil {
		l.user = user
		_, sharded = l.shardedSpec()
	}
	l.shards.wait()
	m, err = loadSources(names, srcs)
	return sharded, m, err
}

func TestShardedUnification(t *testing.T) {
	svc := shardService("cart")
	for _, tc := range []struct {
		name    string
		files   map[string]string
		sharded bool
		valid   bool
	}{
		{"plain services", map[string]string{"a.cue": shardCore, "b.cue": "package demo\n" + svc + shardService("web")}, true, true},
		{"services beside the core", map[string]string{"a.cue": shardCore + svc}, true, true},
		{"no services", map[string]string{"a.cue": shardCore}, true, true},
		{"a service over two files", map[string]string{"a.cue": shardCore + svc,
			"b.cue": "package demo\nservices: cart: overrides: dev: {replicas: 2, autoscale: {min: 1, max: 2}}\nservices: cart: overrides: staging: ingress: null\n"}, true, true},
		{"negative number", map[string]string{"a.cue": shardCore + svc + "services: cart: overrides: dev: replicas: -1\n"}, true, false},
		{"JSON data file", map[string]string{"a.cue": shardCore, "b.json": `{"services": {"cart": {"team": "shop", "blueprint": "web", "image": "demo.azurecr.io/cart:1.0.0", "port": 8080,
			"resources": {"requests": {"cpu": "100m", "memory": "128Mi"}, "limits": {"cpu": "200m", "memory": "256Mi"}}}}}`}, true, true},
		// Not plain data: the whole unification.
		{"a reference in a service", map[string]string{"a.cue": shardCore + svc + "_img: \"demo.azurecr.io/x:1.0.0\"\nservices: x: image: _img\n" +
			shardService("x")}, false, true},
		{"a default in a service", map[string]string{"a.cue": shardCore + svc + "services: cart: replicas: *2 | int\n"}, false, true},
		{"an optional field", map[string]string{"a.cue": shardCore + svc + "services: cart: replicas?: 2\n"}, false, true},
		{"a hidden field", map[string]string{"a.cue": shardCore + svc + "services: cart: _x: 2\n"}, false, true},
		{"an interpolation", map[string]string{"a.cue": shardCore + svc + "services: cart: command: [\"\\(1)\"]\n"}, false, true},
		{"a pattern over services", map[string]string{"a.cue": shardCore + svc + "services: [string]: replicas: 2\n"}, false, true},
		{"a pattern at the top", map[string]string{"a.cue": shardCore + svc + "[=~\"^serv\"]: cart: replicas: 2\n"}, false, true},
		{"an embedding at the top", map[string]string{"a.cue": shardCore + svc + "{services: cart: replicas: 2}\n"}, false, true},
		{"a comprehension at the top", map[string]string{"a.cue": shardCore + svc + "for k in [\"cart\"] {services: (k): replicas: 2}\n"}, false, true},
		{"services not a struct", map[string]string{"a.cue": shardCore + "services: 5\n"}, false, false},
		// The core reads the services: it does not compile alone.
		{"the core reads services", map[string]string{"a.cue": shardCore + svc + "teams: shop: quota: {cpu: \"4\", memory: \"8Gi\", pods: len(services) * 10}\n"}, false, true},
		// Shards that are not valid: the whole unification reports.
		{"unknown field", map[string]string{"a.cue": shardCore + svc + "services: cart: prot: 1\n"}, false, false},
		{"unknown field of an override", map[string]string{"a.cue": shardCore + svc + "services: cart: overrides: dev: replicaz: 1\n"}, false, false},
		{"unknown field of a removable struct", map[string]string{"a.cue": shardCore + svc + "services: cart: overrides: dev: ingress: {hots: \"x\"}\n"}, false, false},
		{"null on the service", map[string]string{"a.cue": shardCore + svc + "services: cart: ingress: null\n"}, false, false},
		{"a removable field of another kind", map[string]string{"a.cue": shardCore + svc + "services: cart: overrides: dev: ingress: \"x\"\n"}, false, false},
		{"conflicting values", map[string]string{"a.cue": shardCore + svc + "services: cart: port: 8081\n"}, false, false},
		{"a missing required field", map[string]string{"a.cue": shardCore + "services: cart: {team: \"shop\", blueprint: \"web\", image: \"demo.azurecr.io/cart:1.0.0\"}\n"}, false, false},
		{"a type mismatch", map[string]string{"a.cue": shardCore + svc + "services: cart: overrides: dev: replicas: \"2\"\n"}, false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sharded, m, err := loadShards(t, tc.files)
			if sharded != tc.sharded {
				t.Errorf("sharded: got %v, want %v", sharded, tc.sharded)
			}
			if (err == nil) != tc.valid {
				t.Errorf("Load: got error %v, want valid %v", err, tc.valid)
			}
			if err == nil && tc.sharded && len(m.Services) == 0 && strings.Contains(fmt.Sprint(tc.files), "services") {
				t.Error("no services loaded")
			}
		})
	}
}

// TestDataRemovals holds dataRemovals, which reads plain data, to
// structRemovables, which reads the evaluated value.
func TestDataRemovals(t *testing.T) {
	ctx := cuecontext.New()
	for _, src := range []string{
		`services: a: image: "x"`,
		`services: a: overrides: {dev: {route: null, autoscale: {min: 1}}, prod: ingress: {host: "h"}}`,
		`services: a: overrides: dev: replicas: 2`,
		`services: a: overrides: dev: route: 5`,
		`services: a: overrides: 5`,
		`services: a: 5`,
		`services: a: overrides: dev: 5`,
		`services: a: overrides: dev: route: [1]`,
		`services: a: overrides: dev: ingress: {}, services: a: overrides: dev: ingress: {host: "h"}, services: a: overrides: prod: metrics: null`,
		`services: a: overrides: dev: {identity: {clientID: "x"}, secrets: {keyVault: "k"}, metrics: {port: "m"}}, services: b: overrides: dev: route: {}`,
	} {
		t.Run(src, func(t *testing.T) {
			v := ctx.CompileString(src)
			want, wantOK := structRemovables(v)
			f, err := parser.ParseFile("a.cue", src)
			if err != nil {
				t.Fatal(err)
			}
			decls := map[string][]ast.Expr{}
			var names []string
			for _, d := range f.Decls {
				for _, e := range d.(*ast.Field).Value.(*ast.StructLit).Elts {
					svc, _ := staticLabel(e.(*ast.Field).Label)
					if decls[svc] == nil {
						names = append(names, svc)
					}
					decls[svc] = append(decls[svc], e.(*ast.Field).Value)
				}
			}
			var got []removal
			gotOK := true
			for _, svc := range names {
				r, ok := dataRemovals(svc, decls[svc])
				got = append(got, r...)
				gotOK = gotOK && ok
			}
			if !gotOK {
				got = nil
			}
			order := func(a, b removal) int { return strings.Compare(fmt.Sprint(a), fmt.Sprint(b)) }
			slices.SortFunc(got, order)
			slices.SortFunc(want, order)
			if gotOK != wantOK || (wantOK && fmt.Sprint(got) != fmt.Sprint(want)) {
				t.Errorf("dataRemovals %v %v, structRemovables %v %v", got, gotOK, want, wantOK)
			}
		})
	}
}

// TestSchemaRegularFields: the fields the schema declares regular, which a
// shard's decoding always looks up (datahint.go).
func TestSchemaRegularFields(t *testing.T) {
	regular := schemaRegularFields()
	if regular == nil {
		t.Fatal("no regular fields: a label of the schema is not a plain name, every field is looked up")
	}
	for name, want := range map[string]bool{
		"engine": true, "protocol": true, "path": true, "access": true, "cpuUtilization": true,
		"image": false, "port": false, "overrides": false, "team": false, "autoscale": false,
	} {
		if regular[name] != want {
			t.Errorf("%s: regular %v, want %v", name, regular[name], want)
		}
	}
}
