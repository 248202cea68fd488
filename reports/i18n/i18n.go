// Package i18n is the one translation of plinth's reports: a message catalog
// keyed by ID with every language beside it, the names of severities,
// statuses, categories and seed documents, and the control titles,
// rationales and remediations of the catalog (reports.ControlTitle,
// reports.ControlText). Every report format draws its words from here.
package i18n

import (
	"fmt"
	"slices"
	"strings"

	"github.com/plinth-dev/plinth/reports"
)

// English is the default language.
const English = "en"

// languages are the languages of the reports, the default first.
var languages = []string{English, "ko"}

// Languages lists the languages a report can be written in, the default first.
func Languages() []string { return slices.Clone(languages) }

// supported reports whether lang is one of Languages.
func supported(lang string) bool { return slices.Contains(languages, lang) }

// Localizer gives the words of one language.
type Localizer struct{ lang string }

// For returns the Localizer of lang ("" is English).
func For(lang string) (Localizer, error) {
	if lang == "" {
		lang = English
	}
	if !supported(lang) {
		return Localizer{}, fmt.Errorf("unsupported language %q (supported: %s)", lang, strings.Join(languages, ", "))
	}
	return Localizer{lang: lang}, nil
}

// Lang is the localizer's language.
func (l Localizer) Lang() string {
	if l.lang == "" {
		return English
	}
	return l.lang
}

// T is the message id in the localizer's language, else in English, else
// the id itself.
func (l Localizer) T(id string) string {
	m, ok := messages[id]
	if !ok {
		return id
	}
	if s, ok := m[l.Lang()]; ok {
		return s
	}
	return m[English]
}

// lookup is the message prefix+key, or key itself when there is none.
func (l Localizer) lookup(prefix, key string) string {
	if _, ok := messages[prefix+key]; !ok {
		return key
	}
	return l.T(prefix + key)
}

// Severity is the name of a severity (reports.SeverityHigh, ...).
func (l Localizer) Severity(s string) string { return l.lookup("severity.", s) }

// Status is the name of a finding status (reports.StatusPass, ...).
func (l Localizer) Status(s string) string { return l.lookup("status.", s) }

// Category is the name of a checklist category (reports.Categories).
func (l Localizer) Category(c string) string { return l.lookup("category.", c) }

// Reason is the name of a reason a source is not evaluated (reports.ReasonRemoteChart, ...).
func (l Localizer) Reason(r string) string { return l.lookup("reason.", r) }

// Seed is the title of a baseline seed document, by file name.
func (l Localizer) Seed(file string) string { return l.lookup("seed.", file) }

// Title is a control's title: the catalog's title in the localizer's
// language, else the control's own (English) title.
func (l Localizer) Title(c reports.Control) string {
	if l.Lang() != English {
		if t, ok := reports.ControlTitle(c.ID, l.Lang()); ok {
			return t
		}
	}
	return c.Title
}

// Rationale is a control's rationale: the catalog's text in the localizer's
// language (reports.ControlText), else the control's own (English) one.
func (l Localizer) Rationale(c reports.Control) string {
	return l.controlText(c.ID, reports.FieldRationale, c.Rationale)
}

// Remediation is a control's remediation, as Rationale.
func (l Localizer) Remediation(c reports.Control) string {
	return l.controlText(c.ID, reports.FieldRemediation, c.Remediation)
}

func (l Localizer) controlText(id, field, own string) string {
	if l.Lang() != English {
		if t, ok := reports.ControlText(id, field, l.Lang()); ok {
			return t
		}
	}
	return own
}

// FindingTitle is the title of a finding's control, as Title.
func (l Localizer) FindingTitle(f reports.Finding) string {
	if l.Lang() != English {
		if t, ok := reports.ControlTitle(f.Control, l.Lang()); ok {
			return t
		}
	}
	return f.Title
}

// messages maps a message ID to its text by language. Every message has
// every language (TestCatalogComplete).
var messages = map[string]map[string]string{
	// The text and Markdown reports.
	"report.title":        {"en": "plinth baseline report", "ko": "plinth 베이스라인 보고서"},
	"report.score":        {"en": "Score", "ko": "점수"},
	"report.controls":     {"en": "Controls", "ko": "통제 항목"},
	"report.findings":     {"en": "Failing findings", "ko": "실패 항목"},
	"report.waivers":      {"en": "Waivers", "ko": "예외"},
	"report.changes":      {"en": "Changes since %s", "ko": "%s 이후 변경 사항"},
	"report.new":          {"en": "New", "ko": "신규"},
	"report.fixed":        {"en": "Fixed", "ko": "해결"},
	"report.commits":      {"en": "Commits", "ko": "커밋"},
	"report.expired":      {"en": "EXPIRED", "ko": "만료"},
	"report.category":     {"en": "Category", "ko": "분류"},
	"report.control":      {"en": "Control", "ko": "통제 항목"},
	"report.none":         {"en": "none", "ko": "없음"},
	"report.counts":       {"en": "%d passed, %d waived, %d failed, %d manual", "ko": "통과 %d, 예외 %d, 실패 %d, 수동 %d"},
	"report.clusterLine":  {"en": "%d objects, %d workloads, %d sources rendered, %d not evaluated", "ko": "객체 %d개, 워크로드 %d개, 렌더링된 소스 %d개, 평가 안 됨 %d개"},
	"report.until":        {"en": "until %s", "ko": "%s까지"},
	"report.changeCounts": {"en": "+%d new, -%d fixed, %d no longer evaluated", "ko": "신규 +%d, 해결 -%d, 더 이상 평가되지 않음 %d"},
	"report.severity":     {"en": "Severity", "ko": "심각도"},
	"report.passed":       {"en": "Passed", "ko": "통과"},
	"report.scope":        {"en": "Scope", "ko": "범위"},
	"report.location":     {"en": "Location", "ko": "위치"},
	"report.object":       {"en": "Object", "ko": "대상 객체"},
	"report.message":      {"en": "Message", "ko": "내용"},
	"report.untilCol":     {"en": "Until", "ko": "만료일"},
	"report.via":          {"en": "%s (via %s)", "ko": "%s (%s 경유)"},
	"report.namespace":    {"en": "namespace %s", "ko": "네임스페이스 %s"},
	"report.reason":       {"en": "Reason", "ko": "사유"},

	// The JUnit report (test suite and case names; classnames stay identifiers).
	"junit.name":         {"en": "plinth baseline", "ko": "plinth 베이스라인"},
	"junit.failing":      {"en": "%d failing finding(s)", "ko": "실패한 발견 사항 %d건"},
	"junit.coverage":     {"en": "coverage", "ko": "커버리지"},
	"junit.evaluated":    {"en": "evaluated [%s]", "ko": "평가 범위 [%s]"},
	"junit.noWorkload":   {"en": "no workload evaluated", "ko": "평가한 워크로드 없음"},
	"junit.notEvaluated": {"en": "not evaluated %s", "ko": "평가 안 됨 %s"},
	"junit.warning":      {"en": "warning %s", "ko": "경고 %s"},

	// The terminal catalog and a control's detail (plinth controls).
	"detail.category":    {"en": "category", "ko": "분류"},
	"detail.severity":    {"en": "severity", "ko": "심각도"},
	"detail.evaluation":  {"en": "evaluation", "ko": "평가 방식"},
	"detail.rationale":   {"en": "rationale", "ko": "근거"},
	"detail.remediation": {"en": "remediation", "ko": "조치 방법"},
	"detail.source":      {"en": "source", "ko": "출처"},
	"detail.title":       {"en": "title", "ko": "제목"},

	// Coverage, in every format.
	"cov.title":               {"en": "Scope and coverage", "ko": "점검 범위 및 커버리지"},
	"cov.score":               {"en": "Score %s of %d evaluated controls", "ko": "점수 %s (평가된 통제 항목 %d개 기준)"},
	"cov.scoreNA":             {"en": "Score n/a: no control had anything to check", "ko": "점수 해당 없음: 점검할 대상이 있는 통제 항목이 없음"},
	"cov.sources":             {"en": "coverage: %d of %d sources rendered, %d not evaluated", "ko": "커버리지: 소스 %[2]d개 중 %[1]d개 렌더링, %[3]d개 평가 안 됨"},
	"cov.noSources":           {"en": "coverage: nothing was rendered", "ko": "커버리지: 렌더링된 것이 없음"},
	"cov.objects":             {"en": "%d objects evaluated, %d workloads checked", "ko": "객체 %d개 평가, 워크로드 %d개 점검"},
	"cov.nothing":             {"en": "NOTHING DEPLOYED WAS EVALUATED: no workload was checked; the score covers only what rendered", "ko": "배포 대상이 평가되지 않음: 점검한 워크로드가 없으며 점수는 렌더링된 부분만 반영함"},
	"cov.percent":             {"en": "Coverage", "ko": "커버리지"},
	"cov.cluster":             {"en": "Cluster", "ko": "클러스터"},
	"cov.objectsCol":          {"en": "Objects", "ko": "객체"},
	"cov.workloadsCol":        {"en": "Workloads", "ko": "워크로드"},
	"cov.renderedCol":         {"en": "Sources rendered", "ko": "렌더링된 소스"},
	"cov.skippedCol":          {"en": "Not evaluated", "ko": "평가 안 됨"},
	"cov.notEvaluated":        {"en": "Not evaluated", "ko": "평가되지 않은 소스"},
	"cov.allEvaluated":        {"en": "Every source found was rendered.", "ko": "발견된 모든 소스가 렌더링되었습니다."},
	"cov.warnings":            {"en": "Warnings", "ko": "경고"},
	"cov.repository":          {"en": "(repository)", "ko": "(저장소)"},
	"cov.noLonger":            {"en": "No longer evaluated", "ko": "더 이상 평가되지 않음"},
	"cov.noLongerNote":        {"en": "their objects are no longer rendered: not fixed", "ko": "대상 객체가 더 이상 렌더링되지 않음: 해결된 것이 아님"},
	"cov.was":                 {"en": "was %s at %s", "ko": "%[2]s 시점 %[1]s"},
	"cov.controlsCol":         {"en": "Evaluated controls", "ko": "평가된 통제 항목"},
	"cov.intro":               {"en": "What this report evaluated. A source is a directory, kustomization, chart or file the GitOps controllers would deploy; coverage is sources rendered / (sources rendered + sources not evaluated). A control or category with nothing to check is n/a.", "ko": "이 보고서가 평가한 범위입니다. 소스는 GitOps 컨트롤러가 배포할 디렉터리, kustomization, 차트 또는 파일이며, 커버리지는 렌더링된 소스 / (렌더링된 소스 + 평가되지 않은 소스)입니다. 점검할 대상이 없는 통제 항목이나 분야는 해당 없음으로 표시합니다."},
	"reason.remote chart":     {"en": "remote chart", "ko": "원격 차트"},
	"reason.plugin":           {"en": "plugin", "ko": "플러그인"},
	"reason.other repository": {"en": "other repository", "ko": "다른 저장소"},
	"reason.file too large":   {"en": "file too large", "ko": "파일 크기 초과"},
	"reason.render error":     {"en": "render error", "ko": "렌더링 오류"},
	"reason.not supported":    {"en": "not supported", "ko": "지원되지 않음"},

	// The catalog reference (plinth controls --format markdown).
	"catalog.title":           {"en": "Baseline controls", "ko": "기준 통제 항목"},
	"catalog.intro":           {"en": "The %d controls plinth report evaluates. Generated by `plinth controls --format markdown`; do not edit by hand.", "ko": "plinth report가 점검하는 통제 항목 %d개. `plinth controls --format markdown --lang ko`로 생성되며, 직접 편집하지 마십시오."},
	"catalog.control":         {"en": "Control", "ko": "통제 항목"},
	"catalog.severity":        {"en": "Severity", "ko": "심각도"},
	"catalog.category":        {"en": "Category", "ko": "분류"},
	"catalog.evaluation":      {"en": "Evaluation", "ko": "평가 방식"},
	"catalog.checks":          {"en": "Checks", "ko": "점검 대상"},
	"catalog.checks.manifest": {"en": "the objects the repository deploys (manifest)", "ko": "저장소가 배포하는 객체 (manifest)"},
	"catalog.checks.declared": {"en": "the cluster settings recorded in the repository, .plinth/clusters/ (declared)", "ko": "저장소에 기록된 클러스터 설정, .plinth/clusters/ (declared)"},
	"catalog.checks.manual":   {"en": "nothing plinth can read: it needs attestation each month (manual)", "ko": "plinth가 읽을 수 없는 항목으로 매월 증빙이 필요함 (manual)"},
	"catalog.providers":       {"en": "on %s clusters only; elsewhere n/a", "ko": "%s 클러스터에만 적용, 그 외에는 해당 없음"},
	"catalog.why":             {"en": "Why", "ko": "근거"},
	"catalog.remediation":     {"en": "Remediation", "ko": "조치 방법"},
	"catalog.source":          {"en": "Source", "ko": "출처"},
	"catalog.section":         {"en": "section “%s”", "ko": "“%s” 절"},
	"catalog.references":      {"en": "References", "ko": "참조"},

	// The checklist PDF.
	"pdf.title":             {"en": "Monthly compliance checklist", "ko": "월간 컴플라이언스 점검표"},
	"pdf.subject":           {"en": "Baseline compliance of a GitOps repository", "ko": "GitOps 저장소의 보안 기준 준수 현황"},
	"pdf.cover":             {"en": "Security and operations baseline", "ko": "보안 및 운영 기준"},
	"pdf.repository":        {"en": "Repository", "ko": "저장소"},
	"pdf.platform":          {"en": "Platform", "ko": "플랫폼"},
	"pdf.ref":               {"en": "Reference", "ko": "참조"},
	"pdf.month":             {"en": "Month", "ko": "점검 월"},
	"pdf.commit":            {"en": "Commit evaluated", "ko": "점검 커밋"},
	"pdf.commitDate":        {"en": "Commit date", "ko": "커밋 일자"},
	"pdf.comparedWith":      {"en": "Compared with", "ko": "비교 대상"},
	"pdf.noBase":            {"en": "no earlier report", "ko": "이전 보고서 없음"},
	"pdf.generatedBy":       {"en": "Generated by %s on %s. Controls cite the baseline seed and section they come from.", "ko": "이 보고서는 %s(으)로 %s에 생성되었습니다. 각 통제 항목은 근거가 되는 기준 문서와 절을 인용합니다."},
	"pdf.reportDate":        {"en": "Report date", "ko": "보고서 일자"},
	"pdf.scopes":            {"en": "Clusters and environments", "ko": "클러스터 및 환경"},
	"pdf.signOffTitle":      {"en": "Review and sign-off", "ko": "검토 및 승인"},
	"pdf.signOffName":       {"en": "Name", "ko": "이름"},
	"pdf.signOffRole":       {"en": "Role", "ko": "직책"},
	"pdf.signOff":           {"en": "Sign-off", "ko": "승인"},
	"pdf.signature":         {"en": "Signature", "ko": "서명"},
	"pdf.date":              {"en": "Date", "ko": "일자"},
	"pdf.summary":           {"en": "Summary", "ko": "요약"},
	"pdf.overallScore":      {"en": "Overall score", "ko": "전체 점수"},
	"pdf.previous":          {"en": "Previous", "ko": "이전"},
	"pdf.current":           {"en": "Current", "ko": "현재"},
	"pdf.delta":             {"en": "Change", "ko": "변화"},
	"pdf.categoryScores":    {"en": "Score by category", "ko": "분야별 점수"},
	"pdf.controls":          {"en": "Control checks", "ko": "통제 점검"},
	"pdf.controlsByStatus":  {"en": "Controls by status", "ko": "상태별 통제 항목"},
	"pdf.passed":            {"en": "Passed", "ko": "통과"},
	"pdf.failed":            {"en": "Failed", "ko": "실패"},
	"pdf.waived":            {"en": "Waived", "ko": "예외"},
	"pdf.manual":            {"en": "Manual", "ko": "수동"},
	"pdf.total":             {"en": "Total", "ko": "전체"},
	"pdf.failingBySeverity": {"en": "Failing controls by severity", "ko": "심각도별 실패 통제"},
	"pdf.newFindings":       {"en": "New findings", "ko": "신규 발견 사항"},
	"pdf.fixedFindings":     {"en": "Fixed findings", "ko": "해결된 발견 사항"},
	"pdf.noPrevious":        {"en": "no previous report", "ko": "이전 보고서 없음"},
	"pdf.checklist":         {"en": "Checklist", "ko": "점검표"},
	"pdf.legend":            {"en": "Legend", "ko": "범례"},
	"pdf.colID":             {"en": "ID", "ko": "ID"},
	"pdf.colControl":        {"en": "Control", "ko": "통제 항목"},
	"pdf.colSeverity":       {"en": "Severity", "ko": "심각도"},
	"pdf.colSource":         {"en": "Source [seed] section", "ko": "근거 [문서] 절"},
	"pdf.colSignOff":        {"en": "Sign-off", "ko": "확인"},
	"pdf.colObject":         {"en": "Object", "ko": "대상 객체"},
	"pdf.colLocation":       {"en": "File:line", "ko": "파일:줄"},
	"pdf.colMessage":        {"en": "Message", "ko": "내용"},
	"pdf.colScope":          {"en": "Scope", "ko": "범위"},
	"pdf.colReason":         {"en": "Reason", "ko": "사유"},
	"pdf.colUntil":          {"en": "Until", "ko": "만료일"},
	"pdf.colHash":           {"en": "Commit", "ko": "커밋"},
	"pdf.colAuthor":         {"en": "Author", "ko": "작성자"},
	"pdf.colSubject":        {"en": "Subject", "ko": "제목"},
	"pdf.colDate":           {"en": "Date", "ko": "일자"},
	"pdf.colStatus":         {"en": "Status", "ko": "상태"},
	"pdf.findings":          {"en": "Findings", "ko": "발견 사항"},
	"pdf.noFindings":        {"en": "No failing controls.", "ko": "실패한 통제 항목이 없습니다."},
	"pdf.remediation":       {"en": "Remediation", "ko": "조치 방법"},
	"pdf.continued":         {"en": "(continued)", "ko": "(계속)"},
	"pdf.changes":           {"en": "Changes since last month", "ko": "지난달 대비 변경 사항"},
	"pdf.noChanges":         {"en": "None.", "ko": "없음."},
	"pdf.commits":           {"en": "Commits", "ko": "커밋"},
	"pdf.noCommits":         {"en": "No commits in the period.", "ko": "기간 내 커밋이 없습니다."},
	"pdf.newSince":          {"en": "New findings", "ko": "신규 발견 사항"},
	"pdf.fixedSince":        {"en": "Fixed findings", "ko": "해결된 발견 사항"},
	"pdf.waivers":           {"en": "Waivers", "ko": "예외 승인"},
	"pdf.activeWaivers":     {"en": "Active waivers", "ko": "유효한 예외"},
	"pdf.expiredWaivers":    {"en": "Expired or invalid waivers (they do not waive)", "ko": "만료되었거나 유효하지 않은 예외 (적용되지 않음)"},
	"pdf.noWaivers":         {"en": "None.", "ko": "없음."},
	"pdf.pageOf":            {"en": "Page %d of {nb}", "ko": "{nb}쪽 중 %d쪽"},
	"pdf.clusterNamespace":  {"en": "Cluster %s · namespace %s", "ko": "클러스터 %s · 네임스페이스 %s"},
	"pdf.clusterWide":       {"en": "(cluster-wide)", "ko": "(클러스터 전역)"},
	"pdf.expiredNote":       {"en": "expired", "ko": "만료"},
	"pdf.sources":           {"en": "Sources cited", "ko": "인용 문서"},
	"pdf.colSeedTitle":      {"en": "Document", "ko": "문서"},
	"pdf.colSeedFile":       {"en": "Seed file", "ko": "기준 파일"},

	"severity.critical": {"en": "critical", "ko": "치명"},
	"severity.high":     {"en": "high", "ko": "높음"},
	"severity.medium":   {"en": "medium", "ko": "보통"},
	"severity.low":      {"en": "low", "ko": "낮음"},

	"status.pass":   {"en": "pass", "ko": "통과"},
	"status.fail":   {"en": "fail", "ko": "실패"},
	"status.waived": {"en": "waived", "ko": "예외"},
	"status.manual": {"en": "manual", "ko": "수동"},
	"status.n/a":    {"en": "n/a", "ko": "해당 없음"},

	"category.security":            {"en": "Security", "ko": "보안"},
	"category.high-availability":   {"en": "High availability", "ko": "고가용성"},
	"category.resource-management": {"en": "Resource management", "ko": "리소스 관리"},
	"category.monitoring":          {"en": "Monitoring", "ko": "모니터링"},
	"category.networking":          {"en": "Networking", "ko": "네트워킹"},
	"category.operations":          {"en": "Operations", "ko": "운영"},

	"seed.000_45d335ea1622845c.txt": {"en": "AKS container image management", "ko": "AKS 컨테이너 이미지 관리"},
	"seed.001_e0399f7852531dbe.txt": {"en": "AKS microservices architecture", "ko": "AKS 마이크로 서비스 아키텍처"},
	"seed.002_b51c29fae7d59eb0.txt": {"en": "AKS container image management (zh)", "ko": "AKS 컨테이너 이미지 관리 (중국어판)"},
	"seed.003_1ca403789924d079.txt": {"en": "GKE best practices for operating containers", "ko": "GKE 컨테이너 작업 권장사항"},
	"seed.004_5cde3760cd7b2652.txt": {"en": "AKS best practices & security baseline", "ko": "AKS 모범 사례 및 보안 기준"},
}
