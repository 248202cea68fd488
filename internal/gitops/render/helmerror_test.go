package render

import "testing"

// TestTemplateError: every shape of Helm error keeps its template file:line.
func TestTemplateError(t *testing.T) {
	tests := []struct {
		msg  string
		file string
		line int
	}{
		{`execution error at (shop/templates/deployment.yaml:4:26): image is required`, "charts/shop/templates/deployment.yaml", 4},
		{`parse error at (shop/templates/svc.yaml:12): function "nope" not defined`, "charts/shop/templates/svc.yaml", 12},
		{`template: shop/templates/deployment.yaml:14:3: executing "shop/templates/deployment.yaml" at <.Values.image.tag>: nil pointer evaluating interface {}.tag`, "charts/shop/templates/deployment.yaml", 14},
		{`YAML parse error on shop/templates/cm.yaml: error converting YAML to JSON`, "", 0},
	}
	for _, tc := range tests {
		file, line := templateError("charts/shop", tc.msg)
		if file != tc.file || line != tc.line {
			t.Errorf("templateError(%q) = %s:%d, want %s:%d", tc.msg, file, line, tc.file, tc.line)
		}
	}
}
