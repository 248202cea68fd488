package flux

// Small typed structs for the Flux objects plinth writes: only the fields
// plinth sets.

// Flux source-controller.

type fluxGitRepositorySpec struct {
	Interval string           `json:"interval"`
	URL      string           `json:"url"`
	Ref      fluxGitReference `json:"ref"`
}

type fluxGitReference struct {
	Branch string `json:"branch"`
}

type fluxHelmRepositorySpec struct {
	Interval string `json:"interval"`
	URL      string `json:"url"`
	Type     string `json:"type,omitempty"`
}

// Flux kustomize-controller.

type fluxKustomizationSpec struct {
	Interval      string         `json:"interval"`
	RetryInterval string         `json:"retryInterval,omitempty"`
	Timeout       string         `json:"timeout,omitempty"`
	Path          string         `json:"path"`
	Prune         bool           `json:"prune"`
	Wait          bool           `json:"wait"`
	SourceRef     fluxRef        `json:"sourceRef"`
	DependsOn     []fluxDepends  `json:"dependsOn,omitempty"`
	HealthChecks  []fluxResource `json:"healthChecks,omitempty"`
}

type fluxRef struct {
	Kind      string `json:"kind"`
	Name      string `json:"name"`
	Namespace string `json:"namespace,omitempty"`
}

type fluxDepends struct {
	Name      string `json:"name"`
	Namespace string `json:"namespace,omitempty"`
}

type fluxResource struct {
	APIVersion string `json:"apiVersion,omitempty"`
	Kind       string `json:"kind"`
	Name       string `json:"name"`
	Namespace  string `json:"namespace,omitempty"`
}

// Flux helm-controller.

type fluxHelmReleaseSpec struct {
	Interval         string              `json:"interval"`
	ReleaseName      string              `json:"releaseName,omitempty"`
	TargetNamespace  string              `json:"targetNamespace,omitempty"`
	StorageNamespace string              `json:"storageNamespace,omitempty"`
	Chart            fluxHelmChartTmpl   `json:"chart"`
	Install          *fluxHelmInstall    `json:"install,omitempty"`
	Upgrade          *fluxHelmUpgrade    `json:"upgrade,omitempty"`
	Values           map[string]any      `json:"values,omitempty"`
	DependsOn        []fluxDepends       `json:"dependsOn,omitempty"`
	DriftDetection   *fluxDriftDetection `json:"driftDetection,omitempty"`
}

type fluxHelmChartTmpl struct {
	Spec fluxHelmChartSpec `json:"spec"`
}

type fluxHelmChartSpec struct {
	Chart             string   `json:"chart"`
	Version           string   `json:"version,omitempty"`
	ReconcileStrategy string   `json:"reconcileStrategy,omitempty"`
	SourceRef         fluxRef  `json:"sourceRef"`
	ValuesFiles       []string `json:"valuesFiles,omitempty"`
}

type fluxHelmInstall struct {
	CreateNamespace bool             `json:"createNamespace,omitempty"`
	Remediation     *fluxRemediation `json:"remediation,omitempty"`
}

type fluxHelmUpgrade struct {
	Remediation *fluxRemediation `json:"remediation,omitempty"`
}

type fluxRemediation struct {
	Retries int `json:"retries"`
}

type fluxDriftDetection struct {
	Mode string `json:"mode"`
}
