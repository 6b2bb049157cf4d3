package design

import "net/netip"

// CloudFrontPrefixList is the AWS-managed prefix list of CloudFront's
// origin-facing servers, which an origin's security group admits.
const CloudFrontPrefixList = "com.amazonaws.global.cloudfront.origin-facing"

// CloudFrontOriginRange stands locally for the origin-facing prefix list
// (whose real entries, about 55, `aws ec2 get-managed-prefix-list-entries`
// lists): the analyzer's CloudFront end and the local runtime's edge
// connect from CloudFrontOriginAddr in it, and netns mode matches a group
// rule naming the list with it.
var CloudFrontOriginRange = netip.MustParsePrefix("130.176.0.0/16")

// CloudFrontOriginAddr stands for one of CloudFront's origin-facing
// servers, in CloudFrontOriginRange.
var CloudFrontOriginAddr = netip.MustParseAddr("130.176.0.10")

// OriginHeader is the custom header CloudFront adds to every request it
// sends the origin; the ALB forwards only requests that carry it with the
// secret value and answers the rest 403.
const OriginHeader = "X-Origin-Verify"

// OriginSecret stands for the origin header's value wherever the design
// names it (the ALB rules' conditions, the distribution's origins). The
// value is a secret: exporters replace it with a deploy-time parameter
// (CloudFormation NoEcho, a sensitive Terraform variable) and the local
// runtime with a random value of its own, so no design holds it.
const OriginSecret = "{{origin-secret}}"

// CachingOptimizedPolicy is the ID of CloudFront's managed
// CachingOptimized cache policy.
const CachingOptimizedPolicy = "658327ea-f89d-4fab-a63d-7e88639e58f6"

// CachingDisabledPolicy is the ID of CloudFront's managed CachingDisabled
// cache policy.
const CachingDisabledPolicy = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"

// Distribution is a CloudFront distribution in front of the public ALBs.
type Distribution struct {
	ID string `json:"id"`
	// Aliases are the names it answers for (the TLS domain).
	Aliases []string `json:"aliases,omitempty"`
	// Certificate is the ACM certificate it serves: an ARN in us-east-1,
	// or "auto" for one requested in us-east-1.
	Certificate string `json:"certificate"`
	// Origins are the public ALBs, the home Region's first.
	Origins []CloudFrontOrigin `json:"origins"`
	// OriginGroup fails over from the first origin to the second on
	// 5xx answers and timeouts (GET, HEAD and OPTIONS only); nil with one
	// origin.
	OriginGroup *OriginGroup `json:"origin_group,omitempty"`
	// DefaultBehavior forwards everything not matched below, uncached.
	DefaultBehavior CacheBehavior `json:"default_behavior"`
	// Behaviors cache the static paths, in order.
	Behaviors []CacheBehavior `json:"behaviors,omitempty"`
	// PriceClass limits the edge locations used.
	PriceClass string `json:"price_class"`
	// MinimumProtocol is the oldest TLS viewers may use.
	MinimumProtocol string `json:"minimum_protocol"`
	// Waiver explains a scanner's finding on the distribution, or nil.
	Waiver *Waiver `json:"waiver,omitempty"`
}

// CloudFrontOrigin is one origin: a public ALB reached over HTTPS with
// the secret header.
type CloudFrontOrigin struct {
	ID string `json:"id"`
	// LoadBalancer is the ALB's design ID.
	LoadBalancer string `json:"load_balancer"`
	Region       string `json:"region"`
	// Header is the custom origin header's name; its value is
	// OriginSecret.
	Header string `json:"header"`
	// ProtocolPolicy is https-only: CloudFront reaches the ALB on 443.
	ProtocolPolicy string `json:"protocol_policy"`
}

// OriginGroup is a primary origin and its failover.
type OriginGroup struct {
	ID      string   `json:"id"`
	Members []string `json:"members"`
	// StatusCodes are the origin answers that fail over.
	StatusCodes []int `json:"status_codes"`
}

// CacheBehavior is how CloudFront treats requests to a path pattern.
type CacheBehavior struct {
	// PathPattern is empty for the default behavior.
	PathPattern string `json:"path_pattern,omitempty"`
	// Target is an origin or the origin group.
	Target string `json:"target"`
	// Methods are the HTTP methods CloudFront accepts and forwards.
	Methods []string `json:"methods"`
	// CachePolicy is a managed cache policy: CachingOptimized for static
	// paths, CachingDisabled for the rest.
	CachePolicy string `json:"cache_policy"`
	// OriginRequestPolicy is the managed policy that passes viewers'
	// headers, cookies and query strings on; empty for static paths.
	OriginRequestPolicy string `json:"origin_request_policy,omitempty"`
	// ViewerProtocol is redirect-to-https.
	ViewerProtocol string `json:"viewer_protocol"`
	Compress       bool   `json:"compress"`
	// GRPC proxies gRPC requests (Content-Type application/grpc) to the
	// origin over HTTP/2, which CloudFront does only from a behavior that
	// enables it and allows POST: set on the default behavior when a
	// public service behind the ALB speaks gRPC.
	GRPC bool `json:"grpc,omitempty"`
}
