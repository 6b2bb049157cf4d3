package design

// GlobalRouting sends clients to a Region with Route 53, optionally behind
// Global Accelerator's anycast addresses.
type GlobalRouting struct {
	Domain string `json:"domain"`
	// Policy is latency, geolocation, weighted or failover.
	Policy       string               `json:"policy"`
	Records      []GlobalRecord       `json:"records"`
	HealthChecks []Route53HealthCheck `json:"health_checks"`
	Accelerator  *Accelerator         `json:"accelerator,omitempty"`
}

// GlobalRecord is one Route 53 alias record of the domain.
type GlobalRecord struct {
	// SetIdentifier tells the records of one name apart.
	SetIdentifier string `json:"set_identifier,omitempty"`
	Type          string `json:"type"` // A
	// Region is the record's latency Region, and the Region it sends to.
	Region string `json:"region,omitempty"`
	// AliasTarget is a load balancer or accelerator ID.
	AliasTarget          string `json:"alias_target"`
	EvaluateTargetHealth bool   `json:"evaluate_target_health"`
	HealthCheck          string `json:"health_check,omitempty"`
	Weight               *int   `json:"weight,omitempty"`
	Failover             string `json:"failover,omitempty"` // PRIMARY or SECONDARY
	// GeoLocation is a continent code, a country code, or "*" for the
	// default location.
	GeoLocation string `json:"geo_location,omitempty"`
}

// Route53HealthCheck checks a Region's entry point from Route 53.
type Route53HealthCheck struct {
	ID               string `json:"id"`
	Region           string `json:"region"`
	Type             string `json:"type"` // HTTPS or TCP
	Target           string `json:"target"`
	Port             int    `json:"port"`
	Path             string `json:"path,omitempty"`
	IntervalSeconds  int    `json:"interval_seconds"`
	FailureThreshold int    `json:"failure_threshold"`
}

// Accelerator is a Global Accelerator with two static anycast addresses.
type Accelerator struct {
	ID             string                `json:"id"`
	Name           string                `json:"name"`
	Listeners      []AcceleratorListener `json:"listeners"`
	EndpointGroups []EndpointGroup       `json:"endpoint_groups"`
}

// AcceleratorListener is a port range the accelerator accepts.
type AcceleratorListener struct {
	Protocol string `json:"protocol"`
	Port     int    `json:"port"`
}

// EndpointGroup is one Region's load balancers behind the accelerator.
type EndpointGroup struct {
	Region    string   `json:"region"`
	Endpoints []string `json:"endpoints"`
	// TrafficDial is the share of the Region's traffic it accepts, 0-100.
	TrafficDial     int    `json:"traffic_dial"`
	HealthCheckPath string `json:"health_check_path,omitempty"`
}
