package cloudformation

// The property types of the resources netwright emits, as Go structures:
// a misspelt property is a compile error, and the tests check every one
// against AWS's published resource specification. Fields that may hold an
// intrinsic function (Ref, Fn::GetAtt, Fn::Sub, ...) are typed any.

// Tag is a resource tag.
type Tag struct {
	Key   string `json:"Key"`
	Value string `json:"Value"`
}

type vpc struct {
	CidrBlock          string `json:"CidrBlock"`
	EnableDnsSupport   bool   `json:"EnableDnsSupport"`
	EnableDnsHostnames bool   `json:"EnableDnsHostnames"`
	Tags               []Tag  `json:"Tags,omitempty"`
}

// vpcCidrBlock is AWS::EC2::VPCCidrBlock: a secondary IPv4 block.
type vpcCidrBlock struct {
	VpcId     any    `json:"VpcId"`
	CidrBlock string `json:"CidrBlock"`
}

type subnet struct {
	VpcId               any    `json:"VpcId"`
	CidrBlock           string `json:"CidrBlock"`
	AvailabilityZone    any    `json:"AvailabilityZone"`
	MapPublicIpOnLaunch bool   `json:"MapPublicIpOnLaunch"`
	Tags                []Tag  `json:"Tags,omitempty"`
}

type routeTable struct {
	VpcId any   `json:"VpcId"`
	Tags  []Tag `json:"Tags,omitempty"`
}

type route struct {
	RouteTableId         any    `json:"RouteTableId"`
	DestinationCidrBlock string `json:"DestinationCidrBlock,omitempty"`
	GatewayId            any    `json:"GatewayId,omitempty"`
	NatGatewayId         any    `json:"NatGatewayId,omitempty"`
	TransitGatewayId     any    `json:"TransitGatewayId,omitempty"`
	VpcEndpointId        any    `json:"VpcEndpointId,omitempty"`
}

type subnetRouteTableAssociation struct {
	SubnetId     any `json:"SubnetId"`
	RouteTableId any `json:"RouteTableId"`
}

type gatewayRouteTableAssociation struct {
	GatewayId    any `json:"GatewayId"`
	RouteTableId any `json:"RouteTableId"`
}

type internetGateway struct {
	Tags []Tag `json:"Tags,omitempty"`
}

type vpcGatewayAttachment struct {
	VpcId             any `json:"VpcId"`
	InternetGatewayId any `json:"InternetGatewayId"`
}

type eip struct {
	Domain string `json:"Domain"`
	Tags   []Tag  `json:"Tags,omitempty"`
}

type natGateway struct {
	AllocationId any   `json:"AllocationId"`
	SubnetId     any   `json:"SubnetId"`
	Tags         []Tag `json:"Tags,omitempty"`
}

type vpcEndpoint struct {
	VpcId             any    `json:"VpcId"`
	ServiceName       any    `json:"ServiceName"`
	VpcEndpointType   string `json:"VpcEndpointType"`
	RouteTableIds     []any  `json:"RouteTableIds,omitempty"`
	SubnetIds         []any  `json:"SubnetIds,omitempty"`
	SecurityGroupIds  []any  `json:"SecurityGroupIds,omitempty"`
	PrivateDnsEnabled *bool  `json:"PrivateDnsEnabled,omitempty"`
}

type vpcEndpointService struct {
	AcceptanceRequired      bool  `json:"AcceptanceRequired"`
	GatewayLoadBalancerArns []any `json:"GatewayLoadBalancerArns"`
}

type logGroup struct {
	LogGroupName    string `json:"LogGroupName"`
	RetentionInDays int    `json:"RetentionInDays"`
}

type iamRole struct {
	AssumeRolePolicyDocument any         `json:"AssumeRolePolicyDocument"`
	ManagedPolicyArns        []any       `json:"ManagedPolicyArns,omitempty"`
	Policies                 []iamPolicy `json:"Policies,omitempty"`
}

type iamPolicy struct {
	PolicyName     string `json:"PolicyName"`
	PolicyDocument any    `json:"PolicyDocument"`
}

type flowLog struct {
	ResourceId               any    `json:"ResourceId"`
	ResourceType             string `json:"ResourceType"`
	TrafficType              string `json:"TrafficType"`
	LogDestinationType       string `json:"LogDestinationType"`
	LogGroupName             any    `json:"LogGroupName"`
	DeliverLogsPermissionArn any    `json:"DeliverLogsPermissionArn"`
	MaxAggregationInterval   int    `json:"MaxAggregationInterval"`
}

type networkACL struct {
	VpcId any   `json:"VpcId"`
	Tags  []Tag `json:"Tags,omitempty"`
}

type portRange struct {
	From int `json:"From"`
	To   int `json:"To"`
}

type networkACLEntry struct {
	NetworkAclId any        `json:"NetworkAclId"`
	RuleNumber   int        `json:"RuleNumber"`
	Protocol     int        `json:"Protocol"`
	RuleAction   string     `json:"RuleAction"`
	Egress       bool       `json:"Egress"`
	CidrBlock    string     `json:"CidrBlock"`
	PortRange    *portRange `json:"PortRange,omitempty"`
}

type subnetNetworkACLAssociation struct {
	SubnetId     any `json:"SubnetId"`
	NetworkAclId any `json:"NetworkAclId"`
}

type inlineEgress struct {
	IpProtocol  string `json:"IpProtocol"`
	CidrIp      string `json:"CidrIp"`
	Description string `json:"Description"`
}

type securityGroup struct {
	GroupDescription    string         `json:"GroupDescription"`
	VpcId               any            `json:"VpcId"`
	SecurityGroupEgress []inlineEgress `json:"SecurityGroupEgress"`
	Tags                []Tag          `json:"Tags,omitempty"`
}

type securityGroupIngress struct {
	GroupId               any    `json:"GroupId"`
	IpProtocol            string `json:"IpProtocol"`
	FromPort              int    `json:"FromPort"`
	ToPort                int    `json:"ToPort"`
	SourceSecurityGroupId any    `json:"SourceSecurityGroupId,omitempty"`
	CidrIp                string `json:"CidrIp,omitempty"`
	SourcePrefixListId    any    `json:"SourcePrefixListId,omitempty"`
	Description           string `json:"Description"`
}

type securityGroupEgress struct {
	GroupId                    any    `json:"GroupId"`
	IpProtocol                 string `json:"IpProtocol"`
	FromPort                   int    `json:"FromPort"`
	ToPort                     int    `json:"ToPort"`
	DestinationSecurityGroupId any    `json:"DestinationSecurityGroupId,omitempty"`
	CidrIp                     string `json:"CidrIp,omitempty"`
	DestinationPrefixListId    any    `json:"DestinationPrefixListId,omitempty"`
	Description                string `json:"Description"`
}

type nameValue struct {
	Name  string `json:"Name"`
	Value any    `json:"Value"`
}

type keyValue struct {
	Key   string `json:"Key"`
	Value any    `json:"Value"`
}

type subnetMapping struct {
	SubnetId     any `json:"SubnetId"`
	AllocationId any `json:"AllocationId,omitempty"`
}

type loadBalancer struct {
	Name                   string          `json:"Name"`
	Type                   string          `json:"Type"`
	Scheme                 string          `json:"Scheme,omitempty"`
	Subnets                []any           `json:"Subnets,omitempty"`
	SubnetMappings         []subnetMapping `json:"SubnetMappings,omitempty"`
	SecurityGroups         []any           `json:"SecurityGroups,omitempty"`
	LoadBalancerAttributes []keyValue      `json:"LoadBalancerAttributes,omitempty"`
}

type certificate struct {
	CertificateArn any `json:"CertificateArn"`
}

type targetGroupTuple struct {
	TargetGroupArn any `json:"TargetGroupArn"`
	Weight         int `json:"Weight"`
}

type forwardConfig struct {
	TargetGroups []targetGroupTuple `json:"TargetGroups"`
}

type redirectConfig struct {
	Protocol   string `json:"Protocol"`
	Port       string `json:"Port"`
	StatusCode string `json:"StatusCode"`
}

type fixedResponseConfig struct {
	StatusCode  string `json:"StatusCode"`
	ContentType string `json:"ContentType"`
	MessageBody string `json:"MessageBody,omitempty"`
}

type action struct {
	Type                string               `json:"Type"`
	ForwardConfig       *forwardConfig       `json:"ForwardConfig,omitempty"`
	RedirectConfig      *redirectConfig      `json:"RedirectConfig,omitempty"`
	FixedResponseConfig *fixedResponseConfig `json:"FixedResponseConfig,omitempty"`
}

type listener struct {
	LoadBalancerArn any           `json:"LoadBalancerArn"`
	Port            int           `json:"Port,omitempty"`
	Protocol        string        `json:"Protocol,omitempty"`
	Certificates    []certificate `json:"Certificates,omitempty"`
	SslPolicy       string        `json:"SslPolicy,omitempty"`
	AlpnPolicy      []string      `json:"AlpnPolicy,omitempty"`
	DefaultActions  []action      `json:"DefaultActions"`
}

type values struct {
	Values []string `json:"Values"`
}

type httpHeaderConfig struct {
	HttpHeaderName string `json:"HttpHeaderName"`
	Values         []any  `json:"Values"`
}

type queryStringKeyValue struct {
	Key   string `json:"Key,omitempty"`
	Value string `json:"Value"`
}

type queryStringConfig struct {
	Values []queryStringKeyValue `json:"Values"`
}

type ruleCondition struct {
	Field                   string             `json:"Field"`
	HostHeaderConfig        *values            `json:"HostHeaderConfig,omitempty"`
	PathPatternConfig       *values            `json:"PathPatternConfig,omitempty"`
	HttpHeaderConfig        *httpHeaderConfig  `json:"HttpHeaderConfig,omitempty"`
	HttpRequestMethodConfig *values            `json:"HttpRequestMethodConfig,omitempty"`
	QueryStringConfig       *queryStringConfig `json:"QueryStringConfig,omitempty"`
	SourceIpConfig          *values            `json:"SourceIpConfig,omitempty"`
}

type listenerRule struct {
	ListenerArn any             `json:"ListenerArn"`
	Priority    int             `json:"Priority"`
	Conditions  []ruleCondition `json:"Conditions"`
	Actions     []action        `json:"Actions"`
}

type matcher struct {
	HttpCode string `json:"HttpCode,omitempty"`
	GrpcCode string `json:"GrpcCode,omitempty"`
}

type targetGroup struct {
	Name                       string     `json:"Name"`
	Port                       int        `json:"Port"`
	Protocol                   string     `json:"Protocol"`
	ProtocolVersion            string     `json:"ProtocolVersion,omitempty"`
	TargetType                 string     `json:"TargetType"`
	VpcId                      any        `json:"VpcId"`
	HealthCheckEnabled         bool       `json:"HealthCheckEnabled"`
	HealthCheckProtocol        string     `json:"HealthCheckProtocol"`
	HealthCheckPort            string     `json:"HealthCheckPort"`
	HealthCheckPath            string     `json:"HealthCheckPath,omitempty"`
	HealthCheckIntervalSeconds int        `json:"HealthCheckIntervalSeconds"`
	HealthCheckTimeoutSeconds  int        `json:"HealthCheckTimeoutSeconds"`
	HealthyThresholdCount      int        `json:"HealthyThresholdCount"`
	UnhealthyThresholdCount    int        `json:"UnhealthyThresholdCount"`
	Matcher                    *matcher   `json:"Matcher,omitempty"`
	TargetGroupAttributes      []keyValue `json:"TargetGroupAttributes,omitempty"`
}

type publicAccessBlock struct {
	BlockPublicAcls       bool `json:"BlockPublicAcls"`
	BlockPublicPolicy     bool `json:"BlockPublicPolicy"`
	IgnorePublicAcls      bool `json:"IgnorePublicAcls"`
	RestrictPublicBuckets bool `json:"RestrictPublicBuckets"`
}

type serverSideEncryptionByDefault struct {
	SSEAlgorithm string `json:"SSEAlgorithm"`
}

type serverSideEncryptionRule struct {
	ServerSideEncryptionByDefault serverSideEncryptionByDefault `json:"ServerSideEncryptionByDefault"`
}

type bucketEncryption struct {
	ServerSideEncryptionConfiguration []serverSideEncryptionRule `json:"ServerSideEncryptionConfiguration"`
}

type bucket struct {
	PublicAccessBlockConfiguration publicAccessBlock `json:"PublicAccessBlockConfiguration"`
	BucketEncryption               bucketEncryption  `json:"BucketEncryption"`
	VersioningConfiguration        *versioning       `json:"VersioningConfiguration,omitempty"`
}

type versioning struct {
	Status string `json:"Status"`
}

type bucketPolicy struct {
	Bucket         any `json:"Bucket"`
	PolicyDocument any `json:"PolicyDocument"`
}

type privateDNSNamespace struct {
	Name string `json:"Name"`
	Vpc  any    `json:"Vpc"`
}

type httpNamespace struct {
	Name string `json:"Name"`
}

type dnsRecord struct {
	Type string `json:"Type"`
	TTL  int    `json:"TTL"`
}

type dnsConfig struct {
	DnsRecords    []dnsRecord `json:"DnsRecords"`
	RoutingPolicy string      `json:"RoutingPolicy"`
}

type healthCheckCustomConfig struct {
	FailureThreshold int `json:"FailureThreshold"`
}

type discoveryService struct {
	Name                    string                   `json:"Name"`
	NamespaceId             any                      `json:"NamespaceId"`
	DnsConfig               *dnsConfig               `json:"DnsConfig,omitempty"`
	HealthCheckCustomConfig *healthCheckCustomConfig `json:"HealthCheckCustomConfig"`
}

type transitGateway struct {
	AmazonSideAsn                   int    `json:"AmazonSideAsn"`
	DefaultRouteTableAssociation    string `json:"DefaultRouteTableAssociation"`
	DefaultRouteTablePropagation    string `json:"DefaultRouteTablePropagation"`
	SecurityGroupReferencingSupport string `json:"SecurityGroupReferencingSupport,omitempty"`
	Tags                            []Tag  `json:"Tags,omitempty"`
}

type tgwAttachmentOptions struct {
	ApplianceModeSupport            string `json:"ApplianceModeSupport,omitempty"`
	SecurityGroupReferencingSupport string `json:"SecurityGroupReferencingSupport,omitempty"`
}

type tgwVPCAttachment struct {
	TransitGatewayId any                   `json:"TransitGatewayId"`
	VpcId            any                   `json:"VpcId"`
	SubnetIds        []any                 `json:"SubnetIds"`
	Options          *tgwAttachmentOptions `json:"Options,omitempty"`
}

type tgwRouteTable struct {
	TransitGatewayId any `json:"TransitGatewayId"`
}

type tgwRouteTableAssociation struct {
	TransitGatewayAttachmentId any `json:"TransitGatewayAttachmentId"`
	TransitGatewayRouteTableId any `json:"TransitGatewayRouteTableId"`
}

type tgwRoute struct {
	TransitGatewayRouteTableId any    `json:"TransitGatewayRouteTableId"`
	DestinationCidrBlock       string `json:"DestinationCidrBlock"`
	TransitGatewayAttachmentId any    `json:"TransitGatewayAttachmentId"`
}

type tgwPeeringAttachment struct {
	TransitGatewayId     any    `json:"TransitGatewayId"`
	PeerTransitGatewayId any    `json:"PeerTransitGatewayId"`
	PeerRegion           string `json:"PeerRegion"`
	PeerAccountId        any    `json:"PeerAccountId"`
	Tags                 []Tag  `json:"Tags,omitempty"`
}

type ecsCluster struct {
	ClusterName            string                  `json:"ClusterName"`
	ClusterSettings        []nameValue             `json:"ClusterSettings,omitempty"`
	ServiceConnectDefaults *serviceConnectDefaults `json:"ServiceConnectDefaults,omitempty"`
}

type serviceConnectDefaults struct {
	Namespace any `json:"Namespace"`
}

type portMapping struct {
	Name          string `json:"Name"`
	ContainerPort int    `json:"ContainerPort"`
	Protocol      string `json:"Protocol"`
	AppProtocol   string `json:"AppProtocol,omitempty"`
}

type logConfiguration struct {
	LogDriver string         `json:"LogDriver"`
	Options   map[string]any `json:"Options"`
}

type containerDefinition struct {
	Name             string           `json:"Name"`
	Image            any              `json:"Image"`
	Essential        bool             `json:"Essential"`
	PortMappings     []portMapping    `json:"PortMappings"`
	Environment      []nameValue      `json:"Environment,omitempty"`
	LogConfiguration logConfiguration `json:"LogConfiguration"`
}

type taskDefinition struct {
	Family                  string                `json:"Family"`
	NetworkMode             string                `json:"NetworkMode"`
	RequiresCompatibilities []string              `json:"RequiresCompatibilities"`
	Cpu                     string                `json:"Cpu"`
	Memory                  string                `json:"Memory"`
	ExecutionRoleArn        any                   `json:"ExecutionRoleArn"`
	TaskRoleArn             any                   `json:"TaskRoleArn"`
	ContainerDefinitions    []containerDefinition `json:"ContainerDefinitions"`
}

type awsvpcConfiguration struct {
	Subnets        []any  `json:"Subnets"`
	SecurityGroups []any  `json:"SecurityGroups"`
	AssignPublicIp string `json:"AssignPublicIp"`
}

type networkConfiguration struct {
	AwsvpcConfiguration awsvpcConfiguration `json:"AwsvpcConfiguration"`
}

type ecsLoadBalancer struct {
	ContainerName  string `json:"ContainerName"`
	ContainerPort  int    `json:"ContainerPort"`
	TargetGroupArn any    `json:"TargetGroupArn"`
}

type serviceRegistry struct {
	RegistryArn   any    `json:"RegistryArn"`
	ContainerName string `json:"ContainerName,omitempty"`
	ContainerPort int    `json:"ContainerPort,omitempty"`
}

type deploymentCircuitBreaker struct {
	Enable   bool `json:"Enable"`
	Rollback bool `json:"Rollback"`
}

type deploymentConfiguration struct {
	MaximumPercent           int                       `json:"MaximumPercent"`
	MinimumHealthyPercent    int                       `json:"MinimumHealthyPercent"`
	DeploymentCircuitBreaker *deploymentCircuitBreaker `json:"DeploymentCircuitBreaker,omitempty"`
}

type podIdentityAssociation struct {
	ClusterName    any    `json:"ClusterName"`
	Namespace      string `json:"Namespace"`
	ServiceAccount string `json:"ServiceAccount"`
	RoleArn        any    `json:"RoleArn"`
}

type scClientAlias struct {
	Port    int    `json:"Port"`
	DnsName string `json:"DnsName"`
}

type scTimeout struct {
	PerRequestTimeoutSeconds int `json:"PerRequestTimeoutSeconds,omitempty"`
	IdleTimeoutSeconds       int `json:"IdleTimeoutSeconds,omitempty"`
}

type scTLSIssuer struct {
	AwsPcaAuthorityArn any `json:"AwsPcaAuthorityArn"`
}

type scTLS struct {
	IssuerCertificateAuthority scTLSIssuer `json:"IssuerCertificateAuthority"`
	RoleArn                    any         `json:"RoleArn"`
}

type scService struct {
	PortName      string          `json:"PortName"`
	DiscoveryName string          `json:"DiscoveryName,omitempty"`
	ClientAliases []scClientAlias `json:"ClientAliases,omitempty"`
	Timeout       *scTimeout      `json:"Timeout,omitempty"`
	Tls           *scTLS          `json:"Tls,omitempty"`
}

type serviceConnectConfiguration struct {
	Enabled   bool        `json:"Enabled"`
	Namespace any         `json:"Namespace,omitempty"`
	Services  []scService `json:"Services,omitempty"`
}

type ecsService struct {
	Cluster                       any                          `json:"Cluster"`
	ServiceName                   string                       `json:"ServiceName"`
	TaskDefinition                any                          `json:"TaskDefinition"`
	DesiredCount                  int                          `json:"DesiredCount"`
	LaunchType                    string                       `json:"LaunchType"`
	NetworkConfiguration          networkConfiguration         `json:"NetworkConfiguration"`
	LoadBalancers                 []ecsLoadBalancer            `json:"LoadBalancers,omitempty"`
	ServiceRegistries             []serviceRegistry            `json:"ServiceRegistries,omitempty"`
	ServiceConnectConfiguration   *serviceConnectConfiguration `json:"ServiceConnectConfiguration,omitempty"`
	VpcLatticeConfigurations      []vpcLatticeConfiguration    `json:"VpcLatticeConfigurations,omitempty"`
	DeploymentConfiguration       deploymentConfiguration      `json:"DeploymentConfiguration"`
	HealthCheckGracePeriodSeconds int                          `json:"HealthCheckGracePeriodSeconds,omitempty"`
}

type hostedZoneVPC struct {
	VPCId     any `json:"VPCId"`
	VPCRegion any `json:"VPCRegion"`
}

type hostedZoneConfig struct {
	Comment string `json:"Comment"`
}

type hostedZone struct {
	Name             string            `json:"Name"`
	VPCs             []hostedZoneVPC   `json:"VPCs"`
	HostedZoneConfig *hostedZoneConfig `json:"HostedZoneConfig,omitempty"`
}

type aliasTarget struct {
	DNSName              any  `json:"DNSName"`
	HostedZoneId         any  `json:"HostedZoneId"`
	EvaluateTargetHealth bool `json:"EvaluateTargetHealth"`
}

type geoLocation struct {
	ContinentCode string `json:"ContinentCode,omitempty"`
	CountryCode   string `json:"CountryCode,omitempty"`
}

type recordSet struct {
	HostedZoneId  any          `json:"HostedZoneId"`
	Name          string       `json:"Name"`
	Type          string       `json:"Type"`
	AliasTarget   aliasTarget  `json:"AliasTarget"`
	SetIdentifier string       `json:"SetIdentifier,omitempty"`
	Region        string       `json:"Region,omitempty"`
	Weight        *int         `json:"Weight,omitempty"`
	Failover      string       `json:"Failover,omitempty"`
	GeoLocation   *geoLocation `json:"GeoLocation,omitempty"`
	HealthCheckId any          `json:"HealthCheckId,omitempty"`
}

type healthCheckConfig struct {
	Type                     string `json:"Type"`
	FullyQualifiedDomainName any    `json:"FullyQualifiedDomainName"`
	Port                     int    `json:"Port"`
	ResourcePath             string `json:"ResourcePath,omitempty"`
	RequestInterval          int    `json:"RequestInterval"`
	FailureThreshold         int    `json:"FailureThreshold"`
}

type route53HealthCheck struct {
	HealthCheckConfig healthCheckConfig `json:"HealthCheckConfig"`
}

type latticeServiceNetwork struct {
	Name     string `json:"Name"`
	AuthType string `json:"AuthType"`
}

type latticeSNVpcAssociation struct {
	ServiceNetworkIdentifier any `json:"ServiceNetworkIdentifier"`
	VpcIdentifier            any `json:"VpcIdentifier"`
}

type latticeService struct {
	Name     string `json:"Name"`
	AuthType string `json:"AuthType"`
}

type latticeSNServiceAssociation struct {
	ServiceNetworkIdentifier any `json:"ServiceNetworkIdentifier"`
	ServiceIdentifier        any `json:"ServiceIdentifier"`
}

type latticeMatcher struct {
	HttpCode string `json:"HttpCode"`
}

type latticeHealthCheck struct {
	Enabled                    bool            `json:"Enabled"`
	Path                       string          `json:"Path,omitempty"`
	Protocol                   string          `json:"Protocol"`
	ProtocolVersion            string          `json:"ProtocolVersion,omitempty"`
	Matcher                    *latticeMatcher `json:"Matcher,omitempty"`
	HealthCheckIntervalSeconds int             `json:"HealthCheckIntervalSeconds"`
	HealthCheckTimeoutSeconds  int             `json:"HealthCheckTimeoutSeconds"`
	HealthyThresholdCount      int             `json:"HealthyThresholdCount"`
	UnhealthyThresholdCount    int             `json:"UnhealthyThresholdCount"`
}

type latticeTGConfig struct {
	Port            int                 `json:"Port"`
	Protocol        string              `json:"Protocol"`
	ProtocolVersion string              `json:"ProtocolVersion,omitempty"`
	VpcIdentifier   any                 `json:"VpcIdentifier"`
	HealthCheck     *latticeHealthCheck `json:"HealthCheck,omitempty"`
}

type latticeTargetGroup struct {
	Name   string          `json:"Name"`
	Type   string          `json:"Type"`
	Config latticeTGConfig `json:"Config"`
}

type latticeWeightedTG struct {
	TargetGroupIdentifier any `json:"TargetGroupIdentifier"`
	Weight                int `json:"Weight"`
}

type latticeForward struct {
	TargetGroups []latticeWeightedTG `json:"TargetGroups"`
}

type latticeDefaultAction struct {
	Forward latticeForward `json:"Forward"`
}

type latticeListener struct {
	ServiceIdentifier any                  `json:"ServiceIdentifier"`
	Protocol          string               `json:"Protocol"`
	Port              int                  `json:"Port"`
	DefaultAction     latticeDefaultAction `json:"DefaultAction"`
}

type latticePathMatchType struct {
	Exact  string `json:"Exact,omitempty"`
	Prefix string `json:"Prefix,omitempty"`
}

type latticePathMatch struct {
	Match         latticePathMatchType `json:"Match"`
	CaseSensitive bool                 `json:"CaseSensitive"`
}

type latticeHeaderMatchType struct {
	Exact string `json:"Exact"`
}

type latticeHeaderMatch struct {
	Name          string                 `json:"Name"`
	Match         latticeHeaderMatchType `json:"Match"`
	CaseSensitive bool                   `json:"CaseSensitive"`
}

type latticeHTTPMatch struct {
	PathMatch     *latticePathMatch    `json:"PathMatch,omitempty"`
	HeaderMatches []latticeHeaderMatch `json:"HeaderMatches,omitempty"`
	Method        string               `json:"Method,omitempty"`
}

type latticeMatch struct {
	HttpMatch latticeHTTPMatch `json:"HttpMatch"`
}

type latticeRuleAction struct {
	Forward latticeForward `json:"Forward"`
}

type latticeRule struct {
	ListenerIdentifier any               `json:"ListenerIdentifier"`
	ServiceIdentifier  any               `json:"ServiceIdentifier"`
	Priority           int               `json:"Priority"`
	Match              latticeMatch      `json:"Match"`
	Action             latticeRuleAction `json:"Action"`
}

type latticeAuthPolicy struct {
	ResourceIdentifier any `json:"ResourceIdentifier"`
	Policy             any `json:"Policy"`
}

type vpcLatticeConfiguration struct {
	RoleArn        any    `json:"RoleArn"`
	TargetGroupArn any    `json:"TargetGroupArn"`
	PortName       string `json:"PortName"`
}

type gaAccelerator struct {
	Name          string `json:"Name"`
	IpAddressType string `json:"IpAddressType"`
	Enabled       bool   `json:"Enabled"`
	Tags          []Tag  `json:"Tags,omitempty"`
}

type gaPortRange struct {
	FromPort int `json:"FromPort"`
	ToPort   int `json:"ToPort"`
}

type gaListener struct {
	AcceleratorArn any           `json:"AcceleratorArn"`
	Protocol       string        `json:"Protocol"`
	PortRanges     []gaPortRange `json:"PortRanges"`
	ClientAffinity string        `json:"ClientAffinity"`
}

type gaEndpoint struct {
	EndpointId                  any  `json:"EndpointId"`
	ClientIPPreservationEnabled bool `json:"ClientIPPreservationEnabled"`
}

type gaEndpointGroup struct {
	ListenerArn            any          `json:"ListenerArn"`
	EndpointGroupRegion    string       `json:"EndpointGroupRegion"`
	TrafficDialPercentage  *int         `json:"TrafficDialPercentage,omitempty"`
	EndpointConfigurations []gaEndpoint `json:"EndpointConfigurations"`
}
