package schemas

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/cuecontext"
	"cuelang.org/go/cue/parser"
	"cuelang.org/go/cue/token"
)

// plainVersusCUE checks the declarations of a service with checkPlain and
// unifies them with #Service in CUE. Whenever checkPlain is sure, CUE must
// find the service valid, its JSON must be the same value (numbers as the
// same text) and it must decode into the same rawService. It returns
// whether checkPlain was sure, and a difference found.
func plainVersusCUE(ctx *cue.Context, decls []ast.Expr) (sure bool, problem string) {
	svc, st := plainService(decls)
	if st != plainOK {
		return false, ""
	}
	v, _ := checkPlain(plainSchema(), decls)
	f, err := parser.ParseFile(schemaFile, schemaSource)
	if err != nil {
		return true, err.Error()
	}
	var check ast.Expr = ast.NewIdent("#Service")
	for _, d := range decls {
		check = &ast.BinaryExpr{X: check, Op: token.AND, Y: d}
	}
	f.Decls = append(f.Decls, &ast.Field{Label: ast.NewIdent("check"), Value: check})
	unified := ctx.BuildFile(f).LookupPath(cue.ParsePath("check"))
	if err := unified.Validate(cue.Concrete(true)); err != nil {
		return true, fmt.Sprintf("checkPlain takes it, CUE does not: %v", err)
	}
	want, err := unified.MarshalJSON()
	if err != nil {
		return true, err.Error()
	}
	got := v.appendJSON(nil)
	if !sameJSON(got, want) {
		return true, fmt.Sprintf("JSON differs:\n got  %s\n want %s", got, want)
	}
	var cueSvc rawService
	if err := json.Unmarshal(want, &cueSvc); err != nil {
		return true, err.Error()
	}
	if !reflect.DeepEqual(svc, cueSvc) {
		return true, fmt.Sprintf("decoded service differs:\n got  %+v\n want %+v", svc, cueSvc)
	}
	return true, ""
}

// sameJSON compares two JSON documents as values, numbers by their text.
func sameJSON(a, b []byte) bool {
	decode := func(b []byte) (any, error) {
		d := json.NewDecoder(bytes.NewReader(b))
		d.UseNumber()
		var v any
		err := d.Decode(&v)
		return v, err
	}
	va, errA := decode(a)
	vb, errB := decode(b)
	return errA == nil && errB == nil && reflect.DeepEqual(va, vb)
}

// serviceDecls parses `services: x: <decl>` sources into the declarations
// of service x.
func serviceDecls(t *testing.T, srcs ...string) []ast.Expr {
	t.Helper()
	var out []ast.Expr
	for _, src := range srcs {
		e, err := parser.ParseExpr("case.cue", src)
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		out = append(out, e)
	}
	return out
}

// plainBase is a valid service every case of TestPlainCheck changes.
const plainBase = `{
	team: "shop", blueprint: "web", image: "demo.azurecr.io/cart:1.0.0", port: 8080
	resources: {requests: {cpu: "100m", memory: "128Mi"}, limits: {cpu: "200m", memory: "256Mi"}}
}`

// TestPlainCheck holds checkPlain to CUE on services of every construct
// of the schema, valid and not: sure says whether checkPlain must take the
// service itself (a valid one of the shapes it reads) or leave it to CUE.
func TestPlainCheck(t *testing.T) {
	if plainSchema() == nil {
		t.Fatal("plainSchema does not read the schema: every service goes to CUE")
	}
	ctx := cuecontext.New()
	for _, tc := range []struct {
		name  string
		decls []string
		sure  bool
	}{
		{"base", []string{plainBase}, true},
		{"every field", []string{plainBase, `{
			replicas: 2, ports: [{name: "grpc", port: 9000, appProtocol: "grpc"}, {name: "m", port: 9102, service: false, protocol: "UDP"}]
			autoscale: {min: 1, max: 3}, ingress: host: "a.example.com", identity: gcpServiceAccount: "a@p.iam.gserviceaccount.com"
			secrets: {gcpProject: "p", objects: ["a", "b"]}, metrics: {port: 9102, interval: "30s"}
			probes: {liveness: "/healthz", readiness: {http: {path: "/ready", port: "http"}, successThreshold: 2}, startup: {tcp: {}, periodSeconds: 5}}
			dependsOn: ["web"], egress: [{cidr: "10.0.0.0/8", ports: [443], except: ["10.1.0.0/16"]}, {cidr: "1.2.3.4/32", ports: [53], protocol: "UDP"}]
			schedule: "0 * * * *", policy: {pdb: false, zoneSpread: true}
			env: {A: "1", B: {secret: "s", key: "k"}, C: {secret: "s"}, D: {config: "c"}}
			config: {data: {c: "x"}, files: {"a.yaml": "k: v\n"}, mountPath: "/etc/app"}
			command: ["/bin/app"], args: ["--flag", ""]
			extraObjects: [{apiVersion: "v1", kind: "ConfigMap", metadata: {name: "x", labels: a: "b"}, data: {n: 1.50, m: 1e3, k: -2, l: [true, null, "s"]}}]
			patches: [{target: {kind: "Deployment"}, strategicMerge: {spec: replicas: 3}}, {target: {kind: "Service", name: "x"}, jsonPatch: [{op: "add", path: "/a", value: {b: 1}}, {op: "remove", path: "/c"}]}]
			nodePool: "apppool", priorityClassName: "high"
			route: {hostnames: ["a.example.com"], rules: [{path: {type: "Exact", value: "/x"}, headers: [{name: "X-A", value: "1"}]}, {}], grpcHostnames: ["g.example.com"], canary: {image: "demo.azurecr.io/cart:2", weight: 10}}
		}`}, true},
		{"overrides", []string{plainBase, `{overrides: {
			dev: {autoscale: null, ingress: {host: "dev.example.com", path: "/x"}, replicas: 1, metrics: {}, route: null, identity: null, secrets: null}
			prod: {autoscale: {min: 2, max: 4, cpuUtilization: 60}, env: A: {config: "c"}, image: "demo.azurecr.io/cart:1.0.1"}
		}}`, `{overrides: dev: replicas: 1}`}, true},
		{"defaults stated", []string{plainBase, `{ports: [{name: "a", port: 1, protocol: "TCP", service: true}], ingress: {host: "h", path: "/"}, metrics: path: "/metrics"}`}, true},
		{"numbers", []string{plainBase, `{replicas: 0x10, port: 8_080, resources: requests: cpu: 0.5, resources: limits: {cpu: 1, memory: 1Gi}}`}, false},
		{"number quantities", []string{plainBase, `{resources: requests: {cpu: 0.50, memory: 1e9}}`}, false},
		{"number forms", []string{`{team: "shop", blueprint: "web", image: "i", port: 0x1F90, replicas: +2,
			resources: {requests: {cpu: 0.50, memory: 1e9}, limits: {cpu: -1.5, memory: 1Ki}}}`}, true},
		{"strings", []string{`{team: #"sh"op"#, blueprint: "w\u0065b", image: """
			multi
			line
			""", resources: {requests: {cpu: "1", memory: "é"}, limits: {cpu: "\t", memory: "<&>"}}}`}, true},
		{"one value twice", []string{plainBase, plainBase, `{port: 8080, resources: requests: cpu: "100m"}`}, true},
		{"lists twice", []string{plainBase, `{dependsOn: ["a", "b"]}`, `{dependsOn: ["a", "b"]}`}, true},
		{"quoted labels", []string{plainBase, `{"replicas": 2, env: {"A B": "x", "é": "y"}}`}, true},
		// Not valid: CUE reports.
		{"unknown field", []string{plainBase, `{prot: 1}`}, false},
		{"unknown nested field", []string{plainBase, `{autoscale: {min: 1, max: 2, mx: 3}}`}, false},
		{"missing required", []string{`{team: "shop", blueprint: "web", image: "i"}`}, false},
		{"missing nested required", []string{plainBase, `{autoscale: min: 1}`}, false},
		{"type", []string{plainBase, `{replicas: "2"}`}, false},
		{"float for int", []string{plainBase, `{replicas: 2.0}`}, false},
		{"enum", []string{plainBase, `{ports: [{name: "a", port: 1, protocol: "ICMP"}]}`}, false},
		{"conflict", []string{plainBase, `{port: 8081}`}, false},
		{"list lengths", []string{plainBase, `{dependsOn: ["a"]}`, `{dependsOn: ["a", "b"]}`}, false},
		{"struct and scalar", []string{plainBase, `{autoscale: 5}`}, false},
		{"null on the service", []string{plainBase, `{ingress: null}`}, false},
		{"null in a list", []string{plainBase, `{command: [null]}`}, false},
		{"env neither", []string{plainBase, `{env: A: {}}`}, false},
		{"env both", []string{plainBase, `{env: A: {secret: "s", config: "c"}}`}, false},
		{"env key alone", []string{plainBase, `{env: A: {key: "k"}}`}, false},
		{"env number", []string{plainBase, `{env: A: 1}`}, false},
		{"probe kind", []string{plainBase, `{probes: liveness: 5}`}, false},
		{"readiness field in liveness", []string{plainBase, `{probes: liveness: {http: path: "/", successThreshold: 1}}`}, false},
		{"json patch op", []string{plainBase, `{patches: [{target: kind: "D", jsonPatch: [{op: "delete", path: "/a"}]}]}`}, false},
		{"removable of another kind", []string{plainBase, `{overrides: dev: ingress: "x"}`}, false},
		{"required in override", []string{plainBase, `{overrides: dev: team: "x"}`}, false},
		{"bytes", []string{plainBase, `{image: 'i'}`}, false},
		{"not a struct", []string{`5`}, false},
		{"metrics port float", []string{plainBase, `{metrics: port: 1.5}`}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sure, problem := plainVersusCUE(ctx, serviceDecls(t, tc.decls...))
			if problem != "" {
				t.Error(problem)
			}
			if sure != tc.sure {
				t.Errorf("checkPlain sure: got %v, want %v", sure, tc.sure)
			}
		})
	}
}

// plainSnippets are declarations of a service, valid and not, that
// TestPlainCheckCombined unifies in every kind of combination.
var plainSnippets = []string{
	`{env: A: {secret: "s"}}`, `{env: A: {config: "c"}}`, `{env: A: {secret: "s", key: "k"}}`, `{env: A: {key: "k"}}`,
	`{env: A: {}}`, `{env: A: "x"}`, `{env: A: null}`, `{env: A: 5}`, `{env: A: {secret: 1}}`, `{env: A: {config: "c", key: "k"}}`,
	`{probes: liveness: "/h"}`, `{probes: readiness: {successThreshold: 1}}`, `{probes: liveness: {successThreshold: 1}}`,
	`{probes: startup: {exec: command: ["a"]}}`, `{probes: startup: {exec: {}}}`, `{probes: liveness: {http: {port: "x"}}}`,
	`{probes: liveness: {}}`, `{probes: readiness: "/r"}`, `{probes: readiness: {tcp: port: "p", periodSeconds: 3}}`,
	`{ports: [{name: "a", port: 1}]}`, `{ports: [{name: "a", port: 1, protocol: "UDP"}]}`, `{ports: [{name: "a", port: 1, protocol: "ICMP"}]}`,
	`{ports: [{name: "a", port: 1, service: false}]}`, `{ports: [{name: "a", port: 1, service: "x"}]}`, `{ports: [{name: "a"}]}`,
	`{ports: [{name: "a", port: 1, appProtocol: "grpc"}]}`, `{ports: []}`,
	`{metrics: {}}`, `{metrics: port: "m"}`, `{metrics: port: 9}`, `{metrics: port: true}`, `{metrics: path: "/m"}`, `{metrics: interval: 5}`,
	`{autoscale: {min: 1, max: 2}}`, `{autoscale: {min: 1}}`, `{autoscale: {min: 1, max: 2, cpuUtilization: 50}}`, `{autoscale: {min: 1.5, max: 2}}`,
	`{autoscale: cpuUtilization: 70}`, `{autoscale: null}`,
	`{overrides: dev: autoscale: null}`, `{overrides: dev: autoscale: {min: 1, max: 2}}`, `{overrides: dev: {}}`, `{overrides: dev: ingress: {host: "h"}}`,
	`{overrides: dev: ingress: {}}`, `{overrides: dev: ingress: null}`, `{overrides: dev: team: "x"}`, `{overrides: prod: env: A: {secret: "s"}}`,
	`{overrides: dev: replicas: 2}`, `{overrides: dev: replicas: 3}`, `{overrides: dev: metrics: null}`, `{overrides: dev: route: {hostnames: ["h"]}}`,
	`{overrides: dev: secrets: {objects: ["o"]}}`, `{overrides: dev: identity: null}`, `{overrides: dev: schedule: null}`, `{overrides: 5}`,
	`{route: {hostnames: ["h"]}}`, `{route: {}}`, `{route: {hostnames: ["h"], rules: [{path: {}}]}}`, `{route: {hostnames: ["h"], rules: [{path: {type: "Regex"}}]}}`,
	`{route: {hostnames: ["h"], canary: {image: "i", weight: 5}}}`, `{route: {hostnames: ["h"], canary: {image: "i"}}}`,
	`{route: rules: [{headers: [{name: "a", value: "b", type: "RegularExpression"}]}]}`, `{route: rules: [{headers: [{name: "a"}]}]}`,
	`{egress: [{cidr: "c", ports: [1]}]}`, `{egress: [{cidr: "c"}]}`, `{egress: [{cidr: "c", ports: [1], protocol: "SCTP"}]}`, `{egress: [{cidr: "c", ports: [1], except: []}]}`,
	`{extraObjects: [{a: 1}]}`, `{extraObjects: [5]}`, `{extraObjects: [{metadata: 5}]}`, `{extraObjects: [{metadata: {name: 1}}]}`,
	`{extraObjects: [{kind: "K", metadata: {name: "n", annotations: {a: "b"}}, spec: {x: [1, 2.5, "s", null, {y: true}]}}]}`,
	`{patches: [{target: kind: "D"}]}`, `{patches: [{target: {}}]}`, `{patches: [{target: kind: "D", strategicMerge: 5}]}`,
	`{patches: [{target: kind: "D", jsonPatch: [{op: "add", path: "/a", value: null}]}]}`, `{patches: [{target: kind: "D", strategicMerge: {a: b: 1}}]}`,
	`{replicas: 2}`, `{replicas: -1}`, `{replicas: 1.0}`, `{replicas: 1e2}`, `{replicas: 0x10}`, `{port: "80"}`, `{port: 8080}`, `{port: 80}`,
	`{resources: requests: cpu: 1}`, `{resources: requests: cpu: 1.0}`, `{resources: requests: cpu: true}`, `{resources: requests: {}}`, `{resources: {}}`,
	`{resources: limits: memory: 1Gi}`, `{dependsOn: ["a"]}`, `{dependsOn: ["a", "b"]}`, `{dependsOn: "a"}`, `{command: []}`, `{command: ["x", 1]}`,
	`{schedule: "x"}`, `{policy: {pdb: true}}`, `{policy: {pdb: 1}}`, `{policy: {}}`, `{config: {data: a: "b"}}`, `{config: {data: a: 1}}`,
	`{config: files: {}}`, `{config: mountPath: "/m"}`, `{nodePool: null}`, `{nodePool: "p"}`, `{identity: {}}`, `{identity: clientID: "c"}`,
	`{secrets: {objects: []}}`, `{secrets: {}}`, `{"x-y": 1}`, `{image: "\u00e9\t"}`, `{team: "shop"}`, `{team: "other"}`, `{blueprint: 5}`,
	`{ingress: {host: "h"}}`, `{ingress: {host: "h", path: "/p"}}`, `{ingress: {path: "/"}}`, `{ingress: {host: "h", tls: true}}`, `{priorityClassName: ""}`,
	`{args: ["a"]}`, `{args: [["a"]]}`, `{egress: [{cidr: "c", ports: [1.5]}]}`, `{probes: {liveness: "/a", startup: {grpc: {service: "s"}}}}`,
}

// TestPlainCheckCombined holds checkPlain to CUE on services unified from
// random choices of plainSnippets (a fixed seed: the same cases each run).
func TestPlainCheckCombined(t *testing.T) {
	ctx := cuecontext.New()
	rng := rand.New(rand.NewPCG(15, 2026))
	sure := 0
	const cases = 600
	for i := range cases {
		var srcs []string
		if rng.IntN(10) > 0 {
			srcs = append(srcs, plainBase)
		}
		for range 1 + rng.IntN(4) {
			srcs = append(srcs, plainSnippets[rng.IntN(len(plainSnippets))])
		}
		ok, problem := plainVersusCUE(ctx, serviceDecls(t, srcs...))
		if problem != "" {
			t.Errorf("case %d %s: %s", i, strings.Join(srcs, " & "), problem)
		}
		if ok {
			sure++
		}
	}
	// Most combinations are valid: checkPlain must take them.
	if sure < cases/5 {
		t.Errorf("checkPlain sure of %d of %d cases", sure, cases)
	}
	t.Logf("checkPlain sure of %d of %d cases", sure, cases)
}

// TestPlainCheckPlatforms holds checkPlain to CUE on every service of the
// repository's platforms (the examples, the test platforms and every
// invalid case), and requires it to take every service of the valid
// examples.
func TestPlainCheckPlatforms(t *testing.T) {
	dirs := map[string]bool{}
	for _, root := range []string{".", filepath.Join("..", "testdata")} {
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && filepath.Ext(path) == ".cue" {
				dirs[filepath.Dir(path)] = true
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	ctx := cuecontext.New()
	checked := 0
	for _, dir := range slices.Sorted(func(yield func(string) bool) {
		for d := range dirs {
			if !yield(d) {
				return
			}
		}
	}) {
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		srcs := map[string][]byte{}
		for _, e := range entries {
			switch filepath.Ext(e.Name()) {
			case ".cue", ".json", ".yaml", ".yml":
				if e.IsDir() || strings.HasPrefix(e.Name(), ".") || strings.HasPrefix(e.Name(), "_") {
					continue
				}
				b, err := os.ReadFile(filepath.Join(dir, e.Name()))
				if err != nil {
					t.Fatal(err)
				}
				names = append(names, e.Name())
				srcs[e.Name()] = b
			}
		}
		var files []*ast.File
		for _, p := range parseAll(names, srcs) {
			if p.file != nil {
				files = append(files, p.file)
			}
		}
		plan, ok := planShards(files, 1)
		if !ok {
			continue
		}
		example := dir == "example" || strings.HasPrefix(dir, "examples")
		for _, sh := range plan.shards {
			for _, name := range sh.names {
				checked++
				sure, problem := plainVersusCUE(ctx, sh.decls[name])
				if problem != "" {
					t.Errorf("%s: service %s: %s", dir, name, problem)
				}
				if example && !sure {
					t.Errorf("%s: service %s: checkPlain is not sure of a valid example", dir, name)
				}
			}
		}
	}
	if checked < 100 {
		t.Errorf("only %d services checked", checked)
	}
}

// TestPlainSchemaShapes: a schema checkPlain does not read compiles to
// nothing, so that every service goes to CUE.
func TestPlainSchemaShapes(t *testing.T) {
	base := string(schemaSource)
	service := "#Service: {\n"
	if !strings.Contains(base, service) {
		t.Fatal("no #Service in the schema")
	}
	for _, tc := range []struct {
		name, add string
		read      bool
	}{
		{"as it is", "", true},
		{"a bound", "\tzz?: int & >0 & <=10\n", true},
		{"a regexp", "\tzz?: =~\"^a\"\n", true},
		{"a reference to a field", "\tzz?: team\n", false},
		{"a comprehension", "\tif true {zz?: int}\n", false},
		{"a let", "\tlet x = 1\n\tzz?: x\n", false},
		{"a pattern beside fields", "\t[=~\"^x\"]: int\n", false},
		{"an alias", "\tX=zz?: int\n", false},
		{"a nested disjunction", "\tzz?: *1 | (2 | *3)\n", false},
		{"a list literal", "\tzz?: [int, int]\n", false},
		{"an undefined definition", "\tzz?: #Nope\n", false},
		{"an attribute", "\tzz?: int @go(Z)\n", false},
		{"a regular field declared twice as required", "\tteam: string\n", false},
		{"#Spec reads the services", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := strings.Replace(base, service, service+tc.add, 1)
			if tc.add == "" && !tc.read {
				src = strings.Replace(base, "#Spec: {\n", "#Spec: {\n\t_count: len(services) & <1000\n", 1)
			}
			if got := compilePlainSchema([]byte(src)) != nil; got != tc.read {
				t.Errorf("read: got %v, want %v", got, tc.read)
			}
		})
	}
}

// TestCheckShard: services checkPlain is not sure of are unified with CUE
// beside those it takes; one that is not valid for certain sends the load
// to the whole unification.
func TestCheckShard(t *testing.T) {
	unsure := `services: raw: {
	team: "shop", blueprint: "worker", image: "demo.azurecr.io/raw:1.0.0"
	resources: {requests: {cpu: "100m", memory: "128Mi"}, limits: {cpu: "200m", memory: "256Mi"}}
	extraObjects: [{apiVersion: "v1", kind: "ConfigMap", metadata: name: "raw", binaryData: b: 'bytes'}]
}
`
	for _, tc := range []struct {
		name           string
		files          map[string]string
		sharded, valid bool
	}{
		{"taken and left to CUE", map[string]string{"a.cue": shardCore + shardService("cart") + unsure}, true, true},
		{"left to CUE only", map[string]string{"a.cue": shardCore + unsure}, true, true},
		{"not valid for certain", map[string]string{"a.cue": shardCore + unsure + shardService("cart") + "services: cart: replicas: \"2\"\n"}, false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sharded, m, err := loadShards(t, tc.files)
			if sharded != tc.sharded || (err == nil) != tc.valid {
				t.Fatalf("sharded %v, error %v; want sharded %v, valid %v", sharded, err, tc.sharded, tc.valid)
			}
			if err == nil && len(m.Services) != strings.Count(tc.files["a.cue"], "services: ") {
				t.Errorf("%d services loaded", len(m.Services))
			}
		})
	}
	if _, st := plainService(serviceDecls(t, plainBase, `{extraObjects: [{b: 'bytes'}]}`)); st != plainUnsure {
		t.Errorf("bytes: status %v, want unsure", st)
	}
}
