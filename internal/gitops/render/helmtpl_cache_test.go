package render

import (
	"testing"

	"sigs.k8s.io/yaml"
)

// TestToYAMLCacheSameAsMarshal: toYaml through the cache gives what
// sigs.k8s.io/yaml.Marshal gives (Helm's toYaml), the first time and from
// the cache, and values over the key limit or after a reset still do.
func TestToYAMLCacheSameAsMarshal(t *testing.T) {
	values := []any{
		map[string]any{"app.kubernetes.io/name": "web", "team": "shop"},
		map[string]any{"tcpSocket": map[string]any{"port": 8080}, "periodSeconds": 20, "x": []any{"on", "yes", "1e3", "", nil, true}},
		[]any{"a", map[string]any{"b": "multi\nline"}},
		"plain",
		map[string]any{"big": string(make([]byte, 5000))},
	}
	saved := toYAMLCache
	t.Cleanup(func() { toYAMLCache = saved })
	toYAMLCache = &yamlCache{max: 200, maxKey: 4 << 10} // small: resets happen
	for round := 0; round < 3; round++ {
		for i, v := range values {
			want, err := yaml.Marshal(v)
			if err != nil {
				t.Fatal(err)
			}
			if got := helmToYAML(v); got+"\n" != string(want) {
				t.Errorf("round %d value %d: toYaml = %q, want %q", round, i, got, want)
			}
		}
	}
	if toYAMLCache.size > toYAMLCache.max {
		t.Errorf("cache holds %d bytes, over its budget %d", toYAMLCache.size, toYAMLCache.max)
	}
}
