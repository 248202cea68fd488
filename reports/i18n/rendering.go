package i18n

// renderingMessages are the messages of the rendering (internal/gitops/render
// Problem.Format: its format with every verb made %s, the ID of the
// message) in Korean: sources not evaluated and the common errors of a
// repository. A rendering tool's own words (kustomize, Helm, jsonnet
// errors) are arguments, shown as they are. A format not here is shown in
// English (the ID is its English text).
var renderingMessages = map[string]string{
	// Not evaluated: their objects are left out.
	"%s: remote chart %s from %s is not fetched (no network); its objects are not evaluated":                                  "%s: 원격 차트 %s(%s): 가져오지 않음 (네트워크 없음). 해당 객체는 평가되지 않음",
	"%s: remote chart from chartRef OCIRepository %s/%s%s is not fetched (no network); its objects are not evaluated":         "%s: chartRef OCIRepository %s/%s%s의 원격 차트는 가져오지 않음 (네트워크 없음). 해당 객체는 평가되지 않음",
	"%s: remote chart %s from HelmChart %s/%s (HelmRepository %s) is not fetched (no network); its objects are not evaluated": "%s: HelmChart %[3]s/%[4]s(HelmRepository %[5]s)의 원격 차트 %[2]s: 가져오지 않음 (네트워크 없음). 해당 객체는 평가되지 않음",
	"%s: remote chart %s from HelmRepository %s/%s%s is not fetched (no network); its objects are not evaluated":              "%s: HelmRepository %[3]s/%[4]s%[5]s의 원격 차트 %[2]s: 가져오지 않음 (네트워크 없음). 해당 객체는 평가되지 않음",
	"%s: source path %s is in other repository %s; its objects are not evaluated":                                             "%s: 소스 경로 %s: 다른 저장소 %s에 있음. 해당 객체는 평가되지 않음",
	"%s: plugin %s (Config Management Plugin, %s) is not run; its objects are not evaluated":                                  "%s: 플러그인 %s(Config Management Plugin, %s): 실행하지 않음. 해당 객체는 평가되지 않음",
	"%s: generator %s needs the Argo CD cluster or a remote service; its applications are not evaluated":                      "%s: generator %s에는 Argo CD 클러스터나 원격 서비스가 필요함. 해당 애플리케이션은 평가되지 않음",
	"%s: git generator of other repository %s; its applications are not evaluated":                                            "%s: 다른 저장소 %s의 git generator. 해당 애플리케이션은 평가되지 않음",
	"%s: generator %s is not supported offline; its applications are not evaluated":                                           "%s: generator %s: 오프라인에서 지원되지 않음. 해당 애플리케이션은 평가되지 않음",
	"%s: list generator elementsYaml is not supported offline; its applications are not evaluated":                            "%s: list generator의 elementsYaml은 오프라인에서 지원되지 않음. 해당 애플리케이션은 평가되지 않음",
	"%s: values file %s is in other repository %s: not read":                                                                  "%s: values 파일 %s: 다른 저장소 %s에 있음. 읽지 않음",
	"%s: values file %s is remote: not fetched (no network)":                                                                  "%s: values 파일 %s: 원격 파일임. 가져오지 않음 (네트워크 없음)",
	"%s: values file %s of another source is not read":                                                                        "%s: 다른 소스의 values 파일 %s: 읽지 않음",
	"%s: %s: path %s of the artifact is not a copy of one directory of this repository; its objects are not evaluated":        "%s: %s: 아티팩트의 경로 %s: 이 저장소의 한 디렉터리를 복사한 것이 아님. 해당 객체는 평가되지 않음",
	"%s: %s: chart %s of the artifact is not a copy of one directory of this repository; its objects are not evaluated":       "%s: %s: 아티팩트의 차트 %s: 이 저장소의 한 디렉터리를 복사한 것이 아님. 해당 객체는 평가되지 않음",
	"%s: chartRef HelmChart %s/%s is not in this repository; its objects are not evaluated":                                   "%s: chartRef HelmChart %s/%s: 이 저장소에 없음. 해당 객체는 평가되지 않음",
	"%s: chartRef %s %s/%s is not rendered offline; its objects are not evaluated":                                            "%s: chartRef %s %s/%s: 오프라인에서 렌더링하지 않음. 해당 객체는 평가되지 않음",
	"%s: spec.valuesFrom %s is not in this repository (made in the cluster?); rendered without it":                            "%s: spec.valuesFrom %s: 이 저장소에 없음 (클러스터에서 생성?). 이 값 없이 렌더링함",
	"%s: source %s (%s) is another repository or revision (%s is not in this one); its objects are not evaluated":             "%s: 소스 %s(%s): 다른 저장소나 리비전임 (%s: 이 저장소에 없음). 해당 객체는 평가되지 않음",
	"%s: source %s is not in this repository (another repository?); its objects are not evaluated":                            "%s: 소스 %s: 이 저장소에 없음 (다른 저장소?). 해당 객체는 평가되지 않음",
	"%s: source %s (%s) is another repository; its objects are not evaluated%s":                                               "%s: 소스 %s(%s): 다른 저장소임. 해당 객체는 평가되지 않음%s",
	"%s: source %s is produced by no ArtifactGenerator of this repository; its objects are not evaluated":                     "%s: 소스 %s: 이 저장소의 ArtifactGenerator가 만들지 않음. 해당 객체는 평가되지 않음",
	"%s: source %s%s is not this Git repository; its objects are not evaluated":                                               "%s: 소스 %s%s: 이 Git 저장소가 아님. 해당 객체는 평가되지 않음",
	"%s: ExternalArtifact %s/%s: copy from %s: %s":                                                                            "%s: ExternalArtifact %s/%s: %s에서 복사: %s",
	"%s: postBuild.substituteFrom %s %s/%s is not in this repository (made in the cluster?); its variables are left empty":    "%s: postBuild.substituteFrom %s %s/%s: 이 저장소에 없음 (클러스터에서 생성?). 해당 변수는 빈 값으로 둠",
	"remote resource %s is not fetched; its objects are not evaluated":                                                        "원격 리소스 %s: 가져오지 않음. 해당 객체는 평가되지 않음",
	"%schart dependency %s (%s) of %s is not vendored in charts/; its objects are not evaluated":                              "%s%[4]s의 차트 종속성 %[2]s(%[3]s): charts/에 포함되어 있지 않음. 해당 객체는 평가되지 않음",
	"kustomization cycle detected: %s (kustomize refuses to build it); the objects of these kustomizations are not evaluated": "kustomization 순환 참조 발견: %s (kustomize가 빌드를 거부함). 이 kustomization의 객체는 평가되지 않음",

	// Errors of the repository (the tool's words as the last argument).
	"%s: source path %s points outside the repository":     "%s: 소스 경로 %s: 저장소 밖을 가리킴",
	"%s: source path %s does not exist in this repository": "%s: 소스 경로 %s: 이 저장소에 없음",
	"%s: spec.path %s points outside the repository":       "%s: spec.path %s: 저장소 밖을 가리킴",
	"%s: chart path %s points outside the repository":      "%s: 차트 경로 %s: 저장소 밖을 가리킴",
	"%s: values file %s points outside the repository":     "%s: values 파일 %s: 저장소 밖을 가리킴",
	"path %s does not exist in the repository":             "경로 %s: 저장소에 없음",
	"kustomize source %s has no kustomization":             "kustomize 소스 %s에 kustomization이 없음",
	"kustomization %s cannot be read":                      "kustomization %s: 읽을 수 없음",
	"kustomize build %s: %s":                               "kustomize build %s 실패: %s",
	"kustomize build %s: output: %s":                       "kustomize build %s 출력 오류: %s",
	"kustomization %s: %s":                                 "kustomization %s 오류: %s",
	"render chart %s: %s":                                  "차트 %s 렌더링 실패: %s",
	"render chart %s: %s:%s: %s":                           "차트 %s 렌더링 실패: %s:%s: %s",
	"load chart %s: %s":                                    "차트 %s 로드 실패: %s",
	"chart %s renders invalid YAML: %s":                    "차트 %s: 잘못된 YAML을 렌더링함: %s",
	"jsonnet %s: no such file in the repository":           "jsonnet %s: 저장소에 없는 파일",
	"evaluate jsonnet %s: %s":                              "jsonnet %s 평가 실패: %s",
}

// scanProblems are the scan's own problems of a repository (its .plinth/ files).
var scanProblems = map[string]string{
	"invalid cluster state: %s":                                                                              "잘못된 클러스터 상태 파일: %s",
	"invalid baseline configuration: %s":                                                                     "잘못된 베이스라인 구성: %s",
	"invalid waiver file: %s":                                                                                "잘못된 예외 파일: %s",
	"invalid waiver file: want a top-level \"waivers:\" list":                                                "잘못된 예외 파일: 최상위에 \"waivers:\" 목록이 있어야 함",
	"invalid waiver: want a mapping with at least control and reason":                                        "잘못된 예외: 최소한 control과 reason이 있는 매핑이어야 함",
	"%s is a symbolic link (to %s); not read: replace it with the file itself":                               "%s: 심볼릭 링크임 (대상 %s). 읽지 않음: 파일 자체로 바꿔야 함",
	"%s cannot be read; not read: %s":                                                                        "%s: 읽을 수 없음. 읽지 않음: %s",
	"%s is a symbolic link (to %s); not read: the waivers, baseline and cluster states below it are ignored": "%s: 심볼릭 링크임 (대상 %s). 읽지 않음: 그 아래의 예외, 베이스라인, 클러스터 상태 파일은 무시됨",
}
