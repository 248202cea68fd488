package i18n

// findingMessages are the messages of findings (reports.Msg IDs): of the
// checks ("check."), of the declared controls ("decl.") and of the scan
// ("scan."), with the words they are made of ("msg."). The Korean is
// written as Korean engineers note a finding: short, ending in a noun form
// (…함, …됨, …없음), identifiers and the terms written in English left as
// they are. Arguments are identifiers and values; the Korean avoids
// particles right after them (a colon, 의 or 에 instead).
var findingMessages = map[string]map[string]string{
	"msg.fix":  {"en": "%s; %s", "ko": "%s. 조치: %s"},
	"msg.more": {"en": " and %d more", "ko": " 외 %d개"},
	"msg.text": {"en": "%s", "ko": "%s"},

	// The scope of a repository without clusters/ (scan.Scope).
	"report.scopeRepository": {"en": "repository", "ko": "저장소"},

	"check.list": {"en": "%s", "ko": "%s"},
	// Add-ons the baseline asks for (checks/addons.go).
	"check.addonDeployed":          {"en": "%s deployed by %s", "ko": "%s 배포됨: %s"},
	"check.addonDeployedChart":     {"en": "%s deployed by %s (chart %s)", "ko": "%s 배포됨: %s (차트 %s)"},
	"check.noTrivyOperator":        {"en": "no Trivy Operator is deployed from the repository", "ko": "저장소에서 배포하는 Trivy Operator 없음"},
	"check.certManagerUnused":      {"en": "%s; no Ingress asks it for a certificate", "ko": "%s. 인증서를 요청하는 Ingress 없음"},
	"check.certManagerMissing":     {"en": "%d Ingresses ask cert-manager for a certificate, but no cert-manager is deployed from the repository", "ko": "Ingress %d개가 cert-manager에 인증서를 요청하지만 저장소에서 배포하는 cert-manager 없음"},
	"check.clusterIssuerMissing":   {"en": "ClusterIssuer %s named by %s is not deployed from the repository (cert-manager from %s)", "ko": "ClusterIssuer %s 배포되지 않음 (지정한 객체: %s, cert-manager: %s)"},
	"check.clusterIssuersDeployed": {"en": "%s; ClusterIssuer %s deployed", "ko": "%s. ClusterIssuer %s 배포됨"},

	"check.attest":              {"en": "needs attestation", "ko": "증빙 필요"},
	"check.container":           {"en": "container %q %s", "ko": "컨테이너 %q: %s"},
	"check.containerName":       {"en": "container %q", "ko": "컨테이너 %q"},
	"check.thePod":              {"en": "the pod", "ko": "Pod"},
	"check.containersComply":    {"en": "all containers comply", "ko": "모든 컨테이너가 기준을 충족함"},
	"check.privileged":          {"en": "is privileged", "ko": "privileged(특권) 모드로 실행됨"},
	"check.runsAsRoot":          {"en": "runs as user 0", "ko": "사용자 0(root)으로 실행됨"},
	"check.mayRunAsRoot":        {"en": "may run as root (no runAsNonRoot: true or runAsUser > 0)", "ko": "root로 실행될 수 있음 (runAsNonRoot: true 또는 runAsUser > 0 설정 없음)"},
	"check.privilegeEscalation": {"en": "allows privilege escalation", "ko": "권한 상승을 허용함"},
	"check.addsCapsNoDrop":      {"en": "adds capabilities %s and does not drop ALL capabilities", "ko": "capability %s 추가, ALL capability를 제거하지 않음"},
	"check.addsCaps":            {"en": "adds capabilities %s", "ko": "capability %s 추가"},
	"check.noDropAll":           {"en": "does not drop ALL capabilities", "ko": "ALL capability를 제거하지 않음"},
	"check.writableRoot":        {"en": "has a writable root filesystem", "ko": "루트 파일 시스템에 쓰기 가능"},
	"check.noSeccomp":           {"en": "has no seccomp profile", "ko": "seccomp 프로필 없음"},
	"check.seccompProfile":      {"en": "uses seccomp profile %s", "ko": "seccomp 프로필 %s 사용"},
	"check.hostField":           {"en": "%s: true", "ko": "%s: true 설정"},
	"check.hostPath":            {"en": "hostPath volume %q", "ko": "hostPath 볼륨 %q"},
	"check.noHostAccess":        {"en": "no host namespaces or host paths", "ko": "호스트 네임스페이스와 hostPath 사용 없음"},
	"check.noImage":             {"en": "has no image", "ko": "이미지 없음"},
	"check.implicitDockerHub":   {"en": "uses %q without naming its registry (Docker Hub implied), not a private registry; %s", "ko": "%q: 레지스트리를 명시하지 않아 Docker Hub로 간주되며 프라이빗 레지스트리가 아님. %s"},
	"check.configureTrusted":    {"en": "no trusted registries are configured: list them in platform.registries (plinth records them) or as trustedRegistries in .plinth/baseline.yaml", "ko": "신뢰할 수 있는 레지스트리가 구성되지 않음: platform.registries(plinth가 기록함) 또는 .plinth/baseline.yaml의 trustedRegistries에 지정해야 함"},
	"check.publicRegistry":      {"en": "uses %q from %s, a public registry, not a private one; %s", "ko": "%[1]q: 퍼블릭 레지스트리 %[4]s의 이미지로, 프라이빗 레지스트리가 아님. %[3]s"},
	"check.untrustedRegistry":   {"en": "uses %q, not from a trusted registry (%s, from %s)", "ko": "%[1]q: 신뢰할 수 있는 레지스트리(%[2]s, %[3]s에 지정)의 이미지가 아님"},
	"check.noTag":               {"en": "uses %q without a tag (latest)", "ko": "%q: 태그 없음 (latest로 간주)"},
	"check.latestTag":           {"en": "uses %q", "ko": "%q: latest 태그 사용"},
	"check.noProbe":             {"en": "container %s has no %s", "ko": "컨테이너 %s: %s 없음"},
	"check.hasProbe":            {"en": "every container has a %s", "ko": "모든 컨테이너에 %s 있음"},
	"check.noResources":         {"en": "has no %s.%s", "ko": "%s.%s 없음"},
	"check.defaultNamespace":    {"en": "runs in the default namespace", "ko": "default 네임스페이스에서 실행됨"},
	"check.namespace":           {"en": "runs in namespace %s", "ko": "%s 네임스페이스에서 실행됨"},

	"check.automountTrue":         {"en": "sets automountServiceAccountToken: true", "ko": "automountServiceAccountToken: true 설정"},
	"check.automountFalse":        {"en": "automountServiceAccountToken: false", "ko": "automountServiceAccountToken: false 설정"},
	"check.saAutomountFalse":      {"en": "ServiceAccount %s sets automountServiceAccountToken: false", "ko": "ServiceAccount %s에 automountServiceAccountToken: false 설정"},
	"check.mountsToken":           {"en": "mounts the token of ServiceAccount %s (automountServiceAccountToken is not false on the pod or the ServiceAccount)", "ko": "ServiceAccount %s의 토큰을 마운트함 (Pod와 ServiceAccount 어디에도 automountServiceAccountToken: false 없음)"},
	"check.serviceAccount":        {"en": "runs as ServiceAccount %s", "ko": "ServiceAccount %s 사용"},
	"check.defaultServiceAccount": {"en": "runs as the default ServiceAccount of namespace %s", "ko": "%s 네임스페이스의 default ServiceAccount로 실행됨"},
	"check.hostPort":              {"en": "binds host port %s", "ko": "호스트 포트 %s 사용"},
	"check.envSecret":             {"en": "env %s from Secret %s key %s", "ko": "env %s (Secret %s, 키 %s)"},
	"check.envFromSecret":         {"en": "envFrom Secret %s", "ko": "envFrom Secret %s 전체"},
	"check.takesSecrets":          {"en": "takes %s", "ko": "Secret을 환경 변수로 받음: %s"},
	"check.seLinuxType":           {"en": "%s sets SELinux type %s", "ko": "%s: SELinux type %s 설정"},
	"check.seLinux":               {"en": "%s sets SELinux %s %s", "ko": "%s: SELinux %s %s 설정"},
	"check.appArmorUnconfined":    {"en": "%s runs AppArmor Unconfined", "ko": "%s: AppArmor Unconfined로 실행됨"},
	"check.procUnmasked":          {"en": "%s has procMount: Unmasked", "ko": "%s: procMount: Unmasked 설정"},
	"check.unsafeSysctl":          {"en": "the pod sets unsafe sysctl %s", "ko": "Pod: 안전하지 않은 sysctl %s 설정"},
	"check.appArmorAnnotation":    {"en": "container %q runs AppArmor unconfined (annotation)", "ko": "컨테이너 %q: AppArmor unconfined로 실행됨 (주석)"},
	"check.isolationKept":         {"en": "keeps the default /proc masks, safe sysctls, SELinux and AppArmor profiles", "ko": "기본 /proc 마스크, 안전한 sysctl, SELinux 및 AppArmor 프로필 유지"},
	"check.pullMutable":           {"en": "pulls the mutable %q with imagePullPolicy %s", "ko": "%q: 변경 가능한 태그인데 imagePullPolicy가 %s임"},
	"check.pullFixedAlways":       {"en": "pulls the fixed %q with imagePullPolicy Always", "ko": "%q: 고정 태그인데 imagePullPolicy가 Always임"},
	"check.barePod":               {"en": "a bare Pod is not recreated when it fails or its node is drained", "ko": "컨트롤러 없는 단독 Pod는 실패하거나 노드가 드레인되면 다시 생성되지 않음"},
	"check.managedBy":             {"en": "managed by its %s", "ko": "%s에서 관리함"},
	"check.identicalProbes":       {"en": "container %s has identical liveness and readiness probes", "ko": "컨테이너 %s: liveness 프로브와 readiness 프로브가 동일함"},
	"check.probesDiffer":          {"en": "liveness and readiness probes differ", "ko": "liveness 프로브와 readiness 프로브가 서로 다름"},

	"check.bindsClusterAdmin":       {"en": "%s binds cluster-admin to %s", "ko": "%s: cluster-admin을 %s에 바인딩함"},
	"check.bindsClusterAdminNobody": {"en": "%s binds cluster-admin to no subject", "ko": "%s: 주체 없이 cluster-admin을 바인딩함"},
	"check.binds":                   {"en": "binds %s %s", "ko": "%s %s 바인딩"},
	"check.rule":                    {"en": "rule %d %s", "ko": "규칙 %d: %s"},
	"check.rulesFine":               {"en": "%d rule(s), none of them concerned", "ko": "규칙 %d개, 해당 사항 없음"},
	"check.wildcardIn":              {"en": "has * in %s", "ko": "%s에 * 사용"},
	"check.readsSecrets":            {"en": "reads Secrets (%s)", "ko": "Secret 읽기 권한 (%s)"},
	"check.grants":                  {"en": "grants %s", "ko": "%s 권한 부여"},

	"check.noDefaultDeny":           {"en": "namespace %s has no default-deny NetworkPolicy (podSelector {}, policyTypes [Ingress], no ingress rules)", "ko": "%s 네임스페이스에 기본 거부 NetworkPolicy 없음 (podSelector {}, policyTypes [Ingress], ingress 규칙 없음)"},
	"check.noResourceQuota":         {"en": "namespace %s has no ResourceQuota", "ko": "%s 네임스페이스에 ResourceQuota 없음"},
	"check.noLimitRange":            {"en": "namespace %s has no LimitRange", "ko": "%s 네임스페이스에 LimitRange 없음"},
	"check.noEgressPolicy":          {"en": "namespace %s has no NetworkPolicy restricting egress of all pods (podSelector {}, policyTypes [Egress])", "ko": "%s 네임스페이스에 모든 Pod의 egress를 제한하는 NetworkPolicy 없음 (podSelector {}, policyTypes [Egress])"},
	"check.satisfiedBy":             {"en": "satisfied by %s", "ko": "%s 적용됨"},
	"check.namespaceUndefined":      {"en": "namespace %s runs workloads but is not defined in the repository, so it has no Pod Security Admission labels", "ko": "%s 네임스페이스에서 워크로드가 실행되지만 저장소에 정의되지 않아 Pod Security Admission 레이블이 없음"},
	"check.noEnforceLabel":          {"en": "no pod-security.kubernetes.io/enforce label", "ko": "pod-security.kubernetes.io/enforce 레이블 없음"},
	"check.productionNotRestricted": {"en": "production namespace enforces %q, not restricted", "ko": "프로덕션 네임스페이스의 적용 수준이 restricted가 아님: %q"},
	"check.enforcesPrivileged":      {"en": "enforces privileged (no restriction)", "ko": "privileged 적용 (제한 없음)"},
	"check.enforces":                {"en": "enforces %s", "ko": "%s 적용"},
	"check.scopedTo":                {"en": "scoped to namespace %s", "ko": "%s 네임스페이스 범위로 제한됨"},
	"check.clusterWideTo":           {"en": "binds ClusterRole %s cluster-wide to %s", "ko": "ClusterRole %s: 클러스터 전체 범위로 %s에 바인딩됨"},
	"check.clusterAdminWide":        {"en": "binds cluster-admin cluster-wide", "ko": "cluster-admin을 클러스터 전체 범위로 바인딩함"},
	"check.serviceAccountsOnly":     {"en": "binds ClusterRole %s to service accounts only", "ko": "ClusterRole %s: ServiceAccount에만 바인딩됨"},
	"check.secretInGit":             {"en": "Secret with data (keys %s) is stored in Git", "ko": "데이터가 있는 Secret(키 %s)이 Git에 저장됨"},
	"check.secretNoData":            {"en": "Secret carries no data", "ko": "Secret에 데이터 없음"},
	"check.noTLS":                   {"en": "no spec.tls", "ko": "spec.tls 없음"},
	"check.tls":                     {"en": "terminates TLS", "ko": "TLS 종료 설정됨"},
	"check.ingressClass":            {"en": "ingress class %s", "ko": "ingress 클래스 %s"},
	"check.ingressClassAnnotation":  {"en": "ingress class %s (annotation)", "ko": "ingress 클래스 %s (주석)"},
	"check.noIngressClass":          {"en": "no ingress class", "ko": "ingress 클래스 없음"},
	"check.internalLB":              {"en": "internal load balancer", "ko": "내부 로드 밸런서"},
	"check.publicLB":                {"en": "public LoadBalancer Service", "ko": "퍼블릭 LoadBalancer Service"},
	"check.externalIPs":             {"en": "spec.externalIPs %s", "ko": "spec.externalIPs %s 설정"},
	"check.noExternalIPs":           {"en": "no externalIPs", "ko": "externalIPs 없음"},
	"check.nodePort":                {"en": "type NodePort opens the port on every node", "ko": "type NodePort는 모든 노드에서 포트를 엶"},
	"check.notNodePort":             {"en": "not a NodePort Service", "ko": "NodePort Service 아님"},
	"check.openEgress":              {"en": "egress rule %d allows every address%s", "ko": "egress 규칙 %d: 모든 주소 허용%s"},
	"check.everyPort":               {"en": " on every port", "ko": ", 모든 포트"},
	"check.ports":                   {"en": " on port(s) %s", "ko": ", 포트 %s"},
	"check.egressNamed":             {"en": "%d egress rule(s), each to named peers or networks", "ko": "egress 규칙 %d개, 모두 지정된 대상이나 네트워크로 제한됨"},
	"check.replicas":                {"en": "runs %d replica(s)", "ko": "레플리카 %d개로 실행됨"},
	"check.atLeastReplicas":         {"en": "runs at least %d replicas", "ko": "레플리카 %d개 이상으로 실행됨"},
	"check.coveredByPDB":            {"en": "covered by PodDisruptionBudget/%s", "ko": "PodDisruptionBudget/%s 적용됨"},
	"check.noPDB":                   {"en": "%d replicas and no PodDisruptionBudget selects its pods", "ko": "레플리카 %d개, Pod를 선택하는 PodDisruptionBudget 없음"},
	"check.antiAffinity":            {"en": "has pod anti-affinity", "ko": "pod anti-affinity 설정됨"},
	"check.spreadsHosts":            {"en": "spreads over hosts", "ko": "호스트에 분산 배치됨"},
	"check.noAntiAffinity":          {"en": "%d replicas without pod anti-affinity", "ko": "레플리카 %d개, pod anti-affinity 없음"},
	"check.spreadsZones":            {"en": "spreads over zones", "ko": "가용성 영역에 분산 배치됨"},
	"check.noZoneSpread":            {"en": "%d replicas without a zone topologySpreadConstraint", "ko": "레플리카 %d개, 영역 topologySpreadConstraint 없음"},
	"check.scaledBy":                {"en": "scaled by %s", "ko": "%s에서 스케일링함"},
	"check.noAutoscaler":            {"en": "no HorizontalPodAutoscaler or VerticalPodAutoscaler; attest that fixed replicas are intended or add one", "ko": "HorizontalPodAutoscaler와 VerticalPodAutoscaler 모두 없음. 고정 레플리카 수가 의도된 것임을 증빙하거나 오토스케일러를 추가해야 함"},
	"check.backedUpBy":              {"en": "backed up by %s", "ko": "%s에서 백업함"},
	"check.noBackup":                {"en": "no Velero Schedule includes namespace %s", "ko": "%s 네임스페이스를 포함하는 Velero Schedule 없음"},
	"check.renders":                 {"en": "%s %s renders", "ko": "%s %s 렌더링됨"},

	"check.noSelector":           {"en": "has no selector, so it selects no pod", "ko": "selector가 없어 어떤 Pod도 선택하지 않음"},
	"check.invalidSelector":      {"en": "has an invalid selector", "ko": "selector가 유효하지 않음"},
	"check.selectsAll":           {"en": "selects every pod of namespace %s", "ko": "%s 네임스페이스의 모든 Pod를 선택함"},
	"check.selectsPodsOf":        {"en": "selects the pods of %s", "ko": "%s의 Pod를 선택함"},
	"check.selectsNothing":       {"en": "selector %s matches no pod template in namespace %s", "ko": "selector %s: %s 네임스페이스에 일치하는 Pod 템플릿 없음"},
	"check.noDisruption":         {"en": "%s allows no disruption", "ko": "%s: 중단을 전혀 허용하지 않음"},
	"check.minAvailableReplicas": {"en": "minAvailable %d with %d replica(s) of %s allows no disruption", "ko": "minAvailable %[1]d, %[3]s의 레플리카 %[2]d개: 중단을 전혀 허용하지 않음"},
	"check.roomForDisruption":    {"en": "%s leaves room for a disruption", "ko": "%s: 중단 여유 있음"},
	"check.missingBackends":      {"en": "sends traffic to %s, not defined in the cluster", "ko": "트래픽 대상 %s: 클러스터에 정의되지 않음"},
	"check.backendsExist":        {"en": "every backend Service exists", "ko": "모든 백엔드 Service가 존재함"},
	"check.missingScaleTarget":   {"en": "scales %s, not defined in namespace %s", "ko": "스케일 대상 %s: %s 네임스페이스에 정의되지 않음"},
	"check.scales":               {"en": "scales %s", "ko": "스케일 대상 %s"},

	"decl.theRepository":        {"en": "the repository", "ko": "저장소"},
	"decl.noSettingsNoEvidence": {"en": "no declared cluster settings in %s and no --evidence; needs attestation", "ko": "%s에 선언된 클러스터 설정이 없고 --evidence도 없음. 증빙 필요"},
	"decl.providerDiffers":      {"en": "declared provider %s but the evidence %s describes a %s cluster", "ko": "provider 선언과 다름: 선언 %s, 증적 %s의 클러스터 %s"},
	"decl.appliesTo":            {"en": "applies to %s clusters; this one is %s", "ko": "%s 클러스터에만 적용되며 이 클러스터는 %s임"},
	"decl.notDeclaredIn":        {"en": "not declared in %s", "ko": "%s에 선언되지 않음"},
	"decl.noSettingsIn":         {"en": "no declared cluster settings in %s", "ko": "%s에 선언된 클러스터 설정 없음"},
	"decl.andNotShown":          {"en": "%s and not shown by the evidence (%s)", "ko": "%s, 증적(%s)에도 나타나지 않음"},
	"decl.attest":               {"en": "%s; needs attestation", "ko": "%s. 증빙 필요"},
	"decl.onlyDeclared":         {"en": " (only declared: the evidence %s does not show it)", "ko": " (선언만 있음: 증적 %s에는 나타나지 않음)"},
	"decl.declared":             {"en": "declared: %s%s", "ko": "선언됨: %s%s"},
	"decl.notDeclared":          {"en": "not declared: %s (settings.%s %s)%s", "ko": "선언되지 않음: %s (settings.%s %s)%s"},
	"decl.differs":              {"en": "declared %[1]s %[2]s but the cluster has %[3]s (%[4]s); make the cluster and settings.%[1]s agree", "ko": "선언과 다름: settings.%[1]s 선언값 %[2]s, 클러스터 실제값 %[3]s (%[4]s). 클러스터와 settings.%[1]s 값을 일치시켜야 함"},
	"decl.clusterHas":           {"en": "the cluster has %s (%s)", "ko": "클러스터 상태: %s (%s)"},
	"decl.unmatchedEvidence":    {"en": "evidence %s belongs to no cluster of the repository (%s): name the file <cluster>.json or after the cluster's name", "ko": "증적 %s: 저장소의 어느 클러스터에도 해당하지 않음 (%s). 파일 이름을 <cluster>.json 또는 클러스터 이름으로 지정해야 함"},
	"decl.noAAD":                {"en": "no Azure AD integration", "ko": "Azure AD 통합 없음"},
	"decl.aadLocalAccounts":     {"en": "Azure AD integration, but local accounts (static admin credentials) enabled", "ko": "Azure AD 통합은 있으나 로컬 계정(정적 관리자 자격 증명)이 활성화됨"},
	"decl.aad":                  {"en": "Azure AD integration", "ko": "Azure AD 통합"},
	"decl.networkPolicy":        {"en": "network policy engine %s", "ko": "네트워크 정책 엔진 %s"},
	"decl.privateAPI":           {"en": "private API server", "ko": "프라이빗 API 서버"},
	"decl.authorizedRanges":     {"en": "API server restricted to authorized IP ranges %s", "ko": "승인된 IP 범위로 제한된 API 서버 %s"},
	"decl.publicAPI":            {"en": "public API server without authorized IP ranges", "ko": "승인된 IP 범위 없는 퍼블릭 API 서버"},
	"decl.keyVaultCSI":          {"en": "Key Vault Secrets Store CSI driver %s", "ko": "Key Vault Secrets Store CSI 드라이버 %s"},
	"decl.defender":             {"en": "Defender for Containers %s", "ko": "Defender for Containers %s"},
	"decl.workloadIdentity":     {"en": "Workload Identity %s", "ko": "Workload Identity %s"},
	"decl.azurePolicy":          {"en": "Azure Policy add-on %s", "ko": "Azure Policy 추가 기능 %s"},
	"decl.zones":                {"en": "%s availability zone(s)", "ko": "가용성 영역 %s개"},
	"decl.noNodeMinimum":        {"en": "no node pool minimum", "ko": "노드 풀 최소 노드 수 없음"},
	"decl.nodeMinimum":          {"en": "node pool minimum of %s node(s)", "ko": "노드 풀 최소 노드 %s개"},
	"decl.autoscaler":           {"en": "cluster autoscaler %s", "ko": "클러스터 오토스케일러 %s"},
	"decl.monitoring":           {"en": "Container Insights %s", "ko": "Container Insights %s"},
	"decl.networkPlugin":        {"en": "network plugin %s", "ko": "네트워크 플러그인 %s"},
	"decl.upgradeChannel":       {"en": "upgrade channel %s", "ko": "업그레이드 채널 %s"},
	"decl.noMaintenanceWindow":  {"en": "no maintenance window", "ko": "유지 관리 기간 없음"},
	"decl.maintenanceWindow":    {"en": "maintenance window %s", "ko": "유지 관리 기간 %s"},
	"decl.sharedCluster":        {"en": "production shares the cluster with %s", "ko": "프로덕션이 다른 환경과 클러스터를 공유함: %s"},
	"decl.isolated":             {"en": "environments isolated", "ko": "환경이 분리됨"},
	"decl.badVersion":           {"en": "Kubernetes version %s is not a version", "ko": "Kubernetes 버전 %s: 올바른 버전이 아님"},
	"decl.oldVersion":           {"en": "Kubernetes %s, older than %s, the oldest minor %s supports on %s", "ko": "Kubernetes %[1]s: %[4]s 기준 %[3]s 지원 범위의 가장 오래된 마이너 버전 %[2]s보다 오래됨"},
	"decl.supportedVersion":     {"en": "Kubernetes %s (supported on %s from %s)", "ko": "Kubernetes %[1]s (%[2]s에서 %[3]s부터 지원)"},
	"decl.value.notSet":         {"en": "not set", "ko": "설정 안 됨"},
	"decl.value.enabled":        {"en": "enabled", "ko": "활성화됨"},
	"decl.value.disabled":       {"en": "disabled", "ko": "비활성화됨"},
	"decl.value.nothing":        {"en": "nothing", "ko": "없음"},
	"decl.value.upstream":       {"en": "upstream Kubernetes", "ko": "업스트림 Kubernetes"},
}

// init adds the messages of findings, of the scan, and the formats of
// rendering and scan problems (rendering.go) to the catalog, in that order;
// an ID already there keeps its text.
func init() {
	for _, set := range []map[string]map[string]string{findingMessages, scanMessages} {
		for id, m := range set {
			addMessage(id, m)
		}
	}
	for _, set := range []map[string]string{renderingMessages, scanProblems} {
		for format, ko := range set {
			addMessage(format, map[string]string{English: format, "ko": ko})
		}
	}
}

func addMessage(id string, m map[string]string) {
	if _, dup := messages[id]; !dup {
		messages[id] = m
	}
}

// scanMessages are the messages the scan adds to a finding (waivers).
var scanMessages = map[string]map[string]string{
	"scan.waived":           {"en": "waived (%s): %s — %s", "ko": "예외 적용 (%s): %s — %s"},
	"scan.waiverNotApplied": {"en": "%s (waiver at %s does not apply: %s)", "ko": "%s (%s의 예외는 적용되지 않음: %s)"},
	"scan.waiverNoReason":   {"en": "it has no reason", "ko": "사유 없음"},
	"scan.waiverExpired":    {"en": "it expired on %s", "ko": "%s에 만료됨"},
}
