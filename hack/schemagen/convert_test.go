package main

import (
	"encoding/json"
	"testing"
)

func TestConvert(t *testing.T) {
	tests := []struct {
		name string
		crd  bool
		in   string
		want string
	}{
		{"ref", false, `{"$ref":"#/definitions/io.k8s.api.core.v1.PodSpec","description":"x"}`,
			`{"$ref":"#/$defs/io.k8s.api.core.v1.PodSpec"}`},
		{"closed object, nullable types", false, `{"type":"object","properties":{"a":{"type":"string"}},"required":["a"]}`,
			`{"additionalProperties":false,"properties":{"a":{"type":["string","null"]}},"required":["a"],"type":["object","null"]}`},
		{"map", false, `{"type":"object","additionalProperties":{"type":"string"}}`,
			`{"additionalProperties":{"type":["string","null"]},"type":["object","null"]}`},
		{"int-or-string", false, `{"type":"string","format":"int-or-string"}`,
			`{"type":["string","integer","null"]}`},
		{"crd int-or-string", true, `{"x-kubernetes-int-or-string":true,"anyOf":[{"type":"integer"},{"type":"string"}]}`,
			`{"anyOf":[{"type":["integer","null"]},{"type":["string","null"]}],"type":["string","integer","null"]}`},
		{"preserve unknown fields", true, `{"type":"object","x-kubernetes-preserve-unknown-fields":true,"properties":{"a":{"type":"string"}}}`,
			`{"properties":{"a":{"type":["string","null"]}},"type":["object","null"]}`},
		{"crd keywords and enum", true, `{"type":"string","enum":["A","B"],"pattern":"^[AB]$","maxLength":1}`,
			`{"enum":["A","B",null],"maxLength":1,"pattern":"^[AB]$","type":["string","null"]}`},
		{"openapi 3.0 exclusive bounds", true, `{"type":"integer","minimum":0,"exclusiveMinimum":true,"maximum":9,"exclusiveMaximum":false}`,
			`{"exclusiveMinimum":0,"maximum":9,"type":["integer","null"]}`},
		{"embedded resource", true, `{"type":"object","x-kubernetes-embedded-resource":true,"properties":{"spec":{"type":"object","x-kubernetes-preserve-unknown-fields":true}}}`,
			`{"additionalProperties":false,"properties":{"apiVersion":{"type":["string","null"]},"kind":{"type":["string","null"]},"metadata":{"$ref":"kubernetes.json#/$defs/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"},"spec":{"type":["object","null"]}},"type":["object","null"]}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var in map[string]any
			if err := json.Unmarshal([]byte(tc.in), &in); err != nil {
				t.Fatal(err)
			}
			got, err := json.Marshal(convert(in, tc.crd))
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tc.want {
				t.Errorf("convert(%s)\n got %s\nwant %s", tc.in, got, tc.want)
			}
		})
	}
}

func TestSplitYAML(t *testing.T) {
	docs, err := splitYAML([]byte("---\na: 1\n---\n\n---\nb: |\n  text\n  --- not a separator\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) != 2 {
		t.Fatalf("got %d documents, want 2: %q", len(docs), docs)
	}
}
