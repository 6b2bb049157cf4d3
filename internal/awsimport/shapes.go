package awsimport

// The shapes of the AWS CLI's JSON answers that import reads, with the
// member names botocore's service models give them (the AWS SDK for Go v2
// output types carry the same names). Only the members netwright uses are
// here; encoding/json ignores the rest. EC2, ELBv2 and Cloud Map answer in
// PascalCase, ECS in lowerCamelCase. Timestamps are never read: the CLI
// prints them as ISO 8601 or as epoch numbers depending on its version.

type tag struct {
	Key   string
	Value string
}

func nameTag(tags []tag) string {
	for _, t := range tags {
		if t.Key == "Name" {
			return t.Value
		}
	}
	return ""
}

type cidrAssoc struct {
	CidrBlock      string
	CidrBlockState struct{ State string }
}

type vpc struct {
	VpcId                   string
	OwnerId                 string
	CidrBlock               string
	CidrBlockAssociationSet []cidrAssoc
	State                   string
	IsDefault               bool
	Tags                    []tag
}

type subnet struct {
	SubnetId            string
	VpcId               string
	OwnerId             string
	CidrBlock           string
	AvailabilityZone    string
	MapPublicIpOnLaunch bool
	State               string
	SubnetArn           string
	Tags                []tag
}

type routeTableAssoc struct {
	Main             bool
	RouteTableId     string
	SubnetId         string
	GatewayId        string
	AssociationState struct{ State string }
}

type route struct {
	DestinationCidrBlock        string
	DestinationIpv6CidrBlock    string
	DestinationPrefixListId     string
	GatewayId                   string
	NatGatewayId                string
	TransitGatewayId            string
	VpcPeeringConnectionId      string
	NetworkInterfaceId          string
	InstanceId                  string
	EgressOnlyInternetGatewayId string
	LocalGatewayId              string
	CarrierGatewayId            string
	CoreNetworkArn              string
	Origin                      string
	State                       string
}

type routeTable struct {
	RouteTableId string
	VpcId        string
	OwnerId      string
	Associations []routeTableAssoc
	Routes       []route
	Tags         []tag
}

type ipRange struct {
	CidrIp      string
	Description string
}

type ipv6Range struct {
	CidrIpv6    string
	Description string
}

type prefixListID struct {
	PrefixListId string
	Description  string
}

type groupPair struct {
	GroupId                string
	UserId                 string
	VpcId                  string
	VpcPeeringConnectionId string
	Description            string
}

type ipPermission struct {
	IpProtocol       string
	FromPort         *int
	ToPort           *int
	IpRanges         []ipRange
	Ipv6Ranges       []ipv6Range
	PrefixListIds    []prefixListID
	UserIdGroupPairs []groupPair
}

type securityGroup struct {
	GroupId             string
	GroupName           string
	Description         string
	VpcId               string
	OwnerId             string
	IpPermissions       []ipPermission
	IpPermissionsEgress []ipPermission
	Tags                []tag
}

type naclEntry struct {
	RuleNumber    int
	Protocol      string
	RuleAction    string
	Egress        bool
	CidrBlock     string
	Ipv6CidrBlock string
	PortRange     *struct{ From, To int }
}

type networkACL struct {
	NetworkAclId string
	VpcId        string
	IsDefault    bool
	Associations []struct{ SubnetId string }
	Entries      []naclEntry
	Tags         []tag
}

type association struct {
	PublicIp string
}

type privateIP struct {
	PrivateIpAddress string
	Primary          bool
	Association      *association
}

type groupRef struct {
	GroupId   string
	GroupName string
}

type networkInterface struct {
	NetworkInterfaceId string
	VpcId              string
	SubnetId           string
	AvailabilityZone   string
	InterfaceType      string
	Description        string
	Status             string
	RequesterId        string
	SourceDestCheck    *bool
	PrivateIpAddress   string
	PrivateIpAddresses []privateIP
	Association        *association
	Groups             []groupRef
	Attachment         *struct {
		InstanceId string
		Status     string
	}
	TagSet []tag
}

type instance struct {
	InstanceId        string
	VpcId             string
	SubnetId          string
	PrivateIpAddress  string
	PublicIpAddress   string
	State             struct{ Name string }
	SourceDestCheck   *bool
	NetworkInterfaces []networkInterface
	SecurityGroups    []groupRef
	Placement         struct{ AvailabilityZone string }
	Tags              []tag
}

type reservation struct {
	OwnerId   string
	Instances []instance
}

type natGateway struct {
	NatGatewayId        string
	SubnetId            string
	VpcId               string
	State               string
	ConnectivityType    string
	NatGatewayAddresses []struct {
		NetworkInterfaceId string
		PrivateIp          string
		PublicIp           string
	}
	Tags []tag
}

type internetGateway struct {
	InternetGatewayId string
	OwnerId           string
	Attachments       []struct {
		State string
		VpcId string
	}
	Tags []tag
}

type vpcEndpoint struct {
	VpcEndpointId       string
	VpcEndpointType     string
	VpcId               string
	ServiceName         string
	State               string
	RouteTableIds       []string
	SubnetIds           []string
	Groups              []groupRef
	PrivateDnsEnabled   bool
	NetworkInterfaceIds []string
}

type peeringVPCInfo struct {
	VpcId        string
	OwnerId      string
	Region       string
	CidrBlock    string
	CidrBlockSet []struct{ CidrBlock string }
}

type vpcPeering struct {
	VpcPeeringConnectionId string
	AccepterVpcInfo        peeringVPCInfo
	RequesterVpcInfo       peeringVPCInfo
	Status                 struct{ Code, Message string }
}

type transitGateway struct {
	TransitGatewayId string
	State            string
	OwnerId          string
	Options          struct {
		AmazonSideAsn                   int64
		SecurityGroupReferencingSupport string
		AssociationDefaultRouteTableId  string
	}
}

type tgwAttachment struct {
	TransitGatewayAttachmentId string
	TransitGatewayId           string
	ResourceType               string
	ResourceId                 string
	State                      string
	Association                *struct {
		TransitGatewayRouteTableId string
		State                      string
	}
}

type tgwVPCAttachment struct {
	TransitGatewayAttachmentId string
	TransitGatewayId           string
	VpcId                      string
	State                      string
	SubnetIds                  []string
	Options                    struct {
		ApplianceModeSupport            string
		SecurityGroupReferencingSupport string
	}
}

type tgwRouteTable struct {
	TransitGatewayRouteTableId string
	TransitGatewayId           string
	State                      string
	Tags                       []tag
}

type tgwRoute struct {
	DestinationCidrBlock      string
	PrefixListId              string
	State                     string
	Type                      string
	TransitGatewayAttachments []struct {
		TransitGatewayAttachmentId string
		ResourceId                 string
		ResourceType               string
	}
}

type managedPrefixList struct {
	PrefixListId   string
	PrefixListName string
	AddressFamily  string
	// Cidrs is set by DescribePrefixLists (AWS-managed service lists);
	// DescribeManagedPrefixLists leaves it out and gives entries by a
	// call of their own.
	Cidrs []string
}

type prefixListEntry struct {
	Cidr        string
	Description string
}

type vpnGateway struct {
	VpnGatewayId   string
	State          string
	VpcAttachments []struct{ State, VpcId string }
}

type vpnConnection struct {
	VpnConnectionId  string
	State            string
	VpnGatewayId     string
	TransitGatewayId string
	Routes           []struct{ DestinationCidrBlock, State string }
	VgwTelemetry     []struct{ Status string }
}

// Elastic Load Balancing v2.

type loadBalancer struct {
	LoadBalancerArn   string
	LoadBalancerName  string
	DNSName           string
	Scheme            string
	Type              string
	VpcId             string
	State             struct{ Code string }
	SecurityGroups    []string
	AvailabilityZones []struct {
		ZoneName              string
		SubnetId              string
		LoadBalancerAddresses []struct {
			IpAddress          string
			PrivateIPv4Address string
		}
	}
}

type lbAction struct {
	Type           string
	Order          int
	TargetGroupArn string
	ForwardConfig  *struct {
		TargetGroups []struct {
			TargetGroupArn string
			Weight         *int
		}
	}
	RedirectConfig *struct {
		Protocol   string
		Port       string
		StatusCode string
	}
	FixedResponseConfig *struct{ StatusCode string }
}

type listener struct {
	ListenerArn     string
	LoadBalancerArn string
	Port            int
	Protocol        string
	SslPolicy       string
	DefaultActions  []lbAction
	Certificates    []struct{ CertificateArn string }
	AlpnPolicy      []string
}

type ruleCondition struct {
	Field             string
	Values            []string
	HostHeaderConfig  *struct{ Values []string }
	PathPatternConfig *struct{ Values []string }
	SourceIpConfig    *struct{ Values []string }
}

type listenerRule struct {
	RuleArn    string
	Priority   string
	IsDefault  bool
	Conditions []ruleCondition
	Actions    []lbAction
}

type targetGroup struct {
	TargetGroupArn             string
	TargetGroupName            string
	Protocol                   string
	ProtocolVersion            string
	Port                       int
	VpcId                      string
	TargetType                 string
	LoadBalancerArns           []string
	HealthCheckProtocol        string
	HealthCheckPort            string
	HealthCheckPath            string
	HealthCheckIntervalSeconds int
	HealthCheckTimeoutSeconds  int
	HealthyThresholdCount      int
	UnhealthyThresholdCount    int
	Matcher                    *struct{ HttpCode, GrpcCode string }
}

type targetHealthDescription struct {
	Target struct {
		Id               string
		Port             int
		AvailabilityZone string
	}
	TargetHealth struct{ State, Reason string }
}

type attribute struct {
	Key   string
	Value string
}

// ECS (lowerCamelCase).

type ecsService struct {
	ServiceArn    string `json:"serviceArn"`
	ServiceName   string `json:"serviceName"`
	ClusterArn    string `json:"clusterArn"`
	Status        string `json:"status"`
	DesiredCount  int    `json:"desiredCount"`
	LoadBalancers []struct {
		TargetGroupArn string `json:"targetGroupArn"`
		ContainerPort  int    `json:"containerPort"`
	} `json:"loadBalancers"`
	ServiceRegistries []struct {
		RegistryArn string `json:"registryArn"`
		Port        int    `json:"port"`
	} `json:"serviceRegistries"`
	NetworkConfiguration *struct {
		AwsvpcConfiguration struct {
			Subnets        []string `json:"subnets"`
			SecurityGroups []string `json:"securityGroups"`
			AssignPublicIp string   `json:"assignPublicIp"`
		} `json:"awsvpcConfiguration"`
	} `json:"networkConfiguration"`
}

type ecsTask struct {
	TaskArn     string `json:"taskArn"`
	ClusterArn  string `json:"clusterArn"`
	Group       string `json:"group"`
	LastStatus  string `json:"lastStatus"`
	Attachments []struct {
		Type    string `json:"type"`
		Status  string `json:"status"`
		Details []struct {
			Name  string `json:"name"`
			Value string `json:"value"`
		} `json:"details"`
	} `json:"attachments"`
}

// Cloud Map (PascalCase).

type cmNamespace struct {
	Id         string
	Arn        string
	Name       string
	Type       string
	Properties struct {
		DnsProperties struct{ HostedZoneId string }
	}
}

type cmService struct {
	Id          string
	Arn         string
	Name        string
	NamespaceId string
	DnsConfig   *struct {
		NamespaceId   string
		RoutingPolicy string
		DnsRecords    []struct {
			Type string
			TTL  int64
		}
	}
	HealthCheckCustomConfig *struct{}
}
