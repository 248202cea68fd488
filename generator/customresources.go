package generator

import "github.com/plinth-dev/plinth/schemas"

// Small typed structs for the custom resources the core writes (the engines
// have their own). They carry only the fields plinth sets; the offline
// validator checks them against the published CRD schemas.

// Velero.

type veleroScheduleSpec struct {
	Schedule                   string           `json:"schedule"`
	UseOwnerReferencesInBackup bool             `json:"useOwnerReferencesInBackup"`
	Template                   veleroBackupSpec `json:"template"`
}

type veleroBackupSpec struct {
	IncludedNamespaces []string `json:"includedNamespaces"`
	TTL                string   `json:"ttl"`
	SnapshotVolumes    *bool    `json:"snapshotVolumes,omitempty"`
}

// Secrets Store CSI driver.

type secretProviderClassSpec struct {
	Provider   string            `json:"provider"`
	Parameters map[string]string `json:"parameters"`
	// SecretObjects: the Secret the driver syncs for environment variables (config.go).
	SecretObjects []secretObject `json:"secretObjects,omitempty"`
}

type secretObject struct {
	SecretName string              `json:"secretName"`
	Type       string              `json:"type"`
	Data       []schemas.SecretKey `json:"data"`
}
