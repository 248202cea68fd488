package i18n

import "unicode"

// sectionsEn are English renderings of the Korean seed section headings
// the catalog cites (reports/catalog.yaml), keyed by the heading as the
// seed writes it. Headings already in English are not here.
var sectionsEn = map[string]string{
	"1. Azure AD 통합 및 RBAC":                "1. Azure AD integration and RBAC",
	"1. Azure Monitor 통합":                  "1. Azure Monitor integration",
	"1. 네트워크 플러그인 선택":                      "1. Choosing a network plugin",
	"1. 클러스터 생성 Best Practices":            "1. Cluster creation best practices",
	"2. Node Pool 전략":                      "2. Node pool strategy",
	"2. Prometheus 및 Grafana":              "2. Prometheus and Grafana",
	"3. Backup 및 Disaster Recovery":        "3. Backup and disaster recovery",
	"3. Ingress 컨트롤러 선택":                   "3. Choosing an Ingress controller",
	"3. Workload Identity (권장 - 최신 인증 방식)": "3. Workload Identity (recommended: the current authentication method)",
	"3. 로깅 전략":                             "3. Logging strategy",
	"3. 업그레이드 전략":                          "3. Upgrade strategy",
	"4. Azure Key Vault 통합":                "4. Azure Key Vault integration",
	"5. 이미지 보안 - Trivy":                    "5. Image security: Trivy",
	"기본 이미지 업데이트 시 새 이미지를 자동으로 빌드":         "Build new images automatically when the base image is updated",
	"높은 권한을 가진 컨테이너 방지":                    "Prevent highly privileged containers",
	"루트로 실행하지 않기":                          "Do not run as root",
	"애플리케이션 상태 노출":                         "Expose the application's health",
	"월간 운영 체크리스트":                          "Monthly operations checklist",
	"이미지 및 런타임 보호":                         "Image and runtime protection",
	"이미지 버전은 신중하게 선택":                      "Choose image versions carefully",
	"컨테이너의 네이티브 로깅 메커니즘 사용":                "Use the native logging mechanisms of containers",
	"컨테이너의 스테이트리스(Stateless) 및 불변성 확인":     "Make containers stateless and immutable",
	"프로덕션 배포 전 체크리스트":                      "Pre-production deployment checklist",
}

// Section is a seed section heading as the localizer's language shows it:
// in Korean the heading itself; in English a Korean heading's English
// rendering with the original beside it, "Do not run as root (루트로
// 실행하지 않기)", and an English heading as it is.
func (l Localizer) Section(heading string) string {
	if l.Lang() != English {
		return heading
	}
	if en, ok := sectionsEn[heading]; ok {
		return en + " (" + heading + ")"
	}
	return heading
}

// SectionEnglish is the English rendering of a Korean heading, and whether
// there is one.
func SectionEnglish(heading string) (string, bool) {
	en, ok := sectionsEn[heading]
	return en, ok
}

// hasHangul reports whether s has a Hangul letter.
func hasHangul(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Hangul, r) {
			return true
		}
	}
	return false
}
