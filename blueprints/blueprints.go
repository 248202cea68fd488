// Package blueprints embeds the CUE blueprints that carry the baseline
// defaults: environment tiers (production, staging, development) and workload
// kinds (web, worker, cron). The schemas loader reads them.
package blueprints

import "embed"

// FS holds tiers.cue and kinds.cue.
//
//go:embed *.cue
var FS embed.FS
