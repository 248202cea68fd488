package generator

import (
	"fmt"

	"github.com/plinth-dev/plinth/schemas"
)

// valuesPath is the values file of a workload in an environment.
func valuesPath(env string, w schemas.Workload) string {
	return appsDir + "/" + env + "/" + w.Team + "/values/" + w.Name + ".yaml"
}

func (t *tree) helmApps(eos []*envObjects) error {
	return fmt.Errorf("generate: helm flavor not implemented yet")
}

func (t *tree) renderChart(cc chartCheck) ([]rendered, error) {
	return nil, fmt.Errorf("generate: helm flavor not implemented yet")
}
