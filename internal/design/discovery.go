package design

// Cloud Map namespace types.
const (
	NamespaceDNSPrivate = "DNS_PRIVATE"
	NamespaceHTTP       = "HTTP"
)

// Namespace is a Cloud Map namespace: a private hosted zone associated with
// VPCs (DNS_PRIVATE), or API-only discovery (HTTP).
type Namespace struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Type string `json:"type"`
	// VPC is the VPC the namespace is created in; AssociatedVPCs are the
	// other VPCs whose resolvers answer for it (hub_spoke).
	VPC            string             `json:"vpc"`
	AssociatedVPCs []string           `json:"associated_vpcs,omitempty"`
	Services       []DiscoveryService `json:"services"`
}

// DiscoveryService is one service registered in a namespace.
type DiscoveryService struct {
	ID      string `json:"id"`
	Service string `json:"service"`
	// DNSName is what clients resolve: <service>.<namespace>.
	DNSName string `json:"dns_name"`
	// Records are A, and SRV when clients need the port.
	Records []DNSRecord `json:"records,omitempty"`
	// RoutingPolicy is MULTIVALUE (up to 8 healthy answers) or WEIGHTED
	// (one random healthy answer).
	RoutingPolicy string `json:"routing_policy,omitempty"`
	// CustomHealthCheck is ECS's: ECS pushes task health to Cloud Map.
	CustomHealthCheck bool `json:"custom_health_check"`
	Port              int  `json:"port"`
	// MaxInstances is the most tasks registered at once: max_replicas
	// during a deploy surge.
	MaxInstances int `json:"max_instances"`
	// DeadTaskGone is the worst-case time for a dead task to leave the
	// answers clients hold: health detection, ECS's update to Cloud Map,
	// and the record TTL.
	DeadTaskGone Duration `json:"dead_task_gone"`
}

// DNSRecord is one record type Cloud Map keeps for each instance.
type DNSRecord struct {
	Type string   `json:"type"`
	TTL  Duration `json:"ttl"`
}
