package design

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/netip"
	"slices"
	"strings"
)

// NameKind is a kind of name AWS checks when it creates a resource: each
// has its documented length, characters and reserved forms (see
// AWS-FACTS.md, "Names AWS accepts").
type NameKind int

// The kinds of names a design holds.
const (
	// NameLoadBalancer is an ALB, NLB or GWLB name: 1-32 letters, digits
	// and hyphens, no hyphen first or last, not beginning "internal-".
	NameLoadBalancer NameKind = iota + 1
	// NameTargetGroup is an ELB target group name: 1-32 letters, digits
	// and hyphens, no hyphen first or last.
	NameTargetGroup
	// NameLatticeServiceNetwork is a VPC Lattice service network name: 3-63
	// lowercase letters, digits and single hyphens, not first or last, not
	// beginning "servicenetwork-".
	NameLatticeServiceNetwork
	// NameLatticeService is a VPC Lattice service name: as a service
	// network's, 3-40 long, not beginning "svc-".
	NameLatticeService
	// NameLatticeTargetGroup is a VPC Lattice target group name: as a
	// service network's, 3-128 long, not beginning "tg-".
	NameLatticeTargetGroup
	// NameCloudMapDNSNamespace is a private DNS namespace: 1-253 printable
	// ASCII characters.
	NameCloudMapDNSNamespace
	// NameCloudMapHTTPNamespace is an HTTP namespace: 1-1024 printable
	// ASCII characters, not beginning "arn:".
	NameCloudMapHTTPNamespace
	// NameCloudMapService is a Cloud Map service: up to 127 characters in
	// dot-separated labels of up to 63 letters, digits, hyphens and
	// underscores, no label beginning or ending with a hyphen.
	NameCloudMapService
	// NameServiceConnectDiscovery is an ECS Service Connect discovery
	// name: 1-64 lowercase letters, digits, underscores and hyphens, not
	// beginning with a hyphen.
	NameServiceConnectDiscovery
	// NameServiceConnectAlias is a Service Connect client alias: a DNS
	// name of up to 127 lowercase letters, digits, underscores, hyphens
	// and periods, not beginning with a hyphen.
	NameServiceConnectAlias
	// NameECSService is an ECS service name: 1-255 letters, digits,
	// underscores and hyphens.
	NameECSService
	// NameS3Bucket is a general purpose S3 bucket name: 3-63 lowercase
	// letters, digits, periods and hyphens, beginning and ending with a
	// letter or digit, no two periods together, not an IP address, and none
	// of S3's reserved prefixes and suffixes.
	NameS3Bucket
	// NameLogGroup is a CloudWatch Logs log group name: 1-512 letters,
	// digits and _-/.#, not beginning "aws/".
	NameLogGroup
	// NameSecurityGroup is an EC2 security group name: 1-255 letters,
	// digits, spaces and ._-:/()#,@[]+=&;{}!$*, not beginning "sg-".
	NameSecurityGroup
	// NameAccelerator is a Global Accelerator name: 1-64 letters, digits,
	// periods and hyphens, no hyphen or period first or last.
	NameAccelerator
)

// nameRule is one kind's documented rules.
type nameRule struct {
	what     string
	min, max int
	// chars are the bytes allowed besides ASCII letters and digits; upper
	// says whether uppercase letters are allowed.
	chars string
	upper bool
	// edges may not begin the name, ends may not end it.
	edges, ends string
	// twice are the characters that may not appear twice in a row.
	twice string
	// prefixes and suffixes are reserved (compared case-insensitively).
	prefixes, suffixes []string
	// labels: a DNS-like name of dot-separated labels of 1 to 63
	// characters, none beginning or ending with a hyphen.
	labels bool
	// notIP: the name may not look like an IPv4 address.
	notIP bool
	// printable: any ASCII from '!' to '~' (chars and upper are ignored).
	printable bool
	source    string
}

var nameRules = map[NameKind]nameRule{
	NameLoadBalancer: {what: "load balancer", min: 1, max: 32, chars: "-", upper: true, edges: "-", ends: "-",
		prefixes: []string{"internal-"},
		source:   "https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateLoadBalancer.html"},
	NameTargetGroup: {what: "target group", min: 1, max: 32, chars: "-", upper: true, edges: "-", ends: "-",
		source: "https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateTargetGroup.html"},
	NameLatticeServiceNetwork: {what: "VPC Lattice service network", min: 3, max: 63, chars: "-", edges: "-", ends: "-", twice: "-",
		prefixes: []string{"servicenetwork-"},
		source:   "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-vpclattice-servicenetwork.html"},
	NameLatticeService: {what: "VPC Lattice service", min: 3, max: 40, chars: "-", edges: "-", ends: "-", twice: "-",
		prefixes: []string{"svc-"},
		source:   "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-vpclattice-service.html"},
	NameLatticeTargetGroup: {what: "VPC Lattice target group", min: 3, max: 128, chars: "-", edges: "-", ends: "-", twice: "-",
		prefixes: []string{"tg-"},
		source:   "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-vpclattice-targetgroup.html"},
	NameCloudMapDNSNamespace: {what: "Cloud Map private DNS namespace", min: 1, max: 253, printable: true,
		source: "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-servicediscovery-privatednsnamespace.html"},
	NameCloudMapHTTPNamespace: {what: "Cloud Map HTTP namespace", min: 1, max: 1024, printable: true, prefixes: []string{"arn:"},
		source: "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-servicediscovery-httpnamespace.html"},
	NameCloudMapService: {what: "Cloud Map service", min: 1, max: 127, chars: "-_.", upper: true, labels: true,
		source: "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-servicediscovery-service.html"},
	NameServiceConnectDiscovery: {what: "Service Connect discovery name", min: 1, max: 64, chars: "-_", edges: "-",
		source: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ServiceConnectService.html"},
	NameServiceConnectAlias: {what: "Service Connect client alias", min: 1, max: 127, chars: "-_.", edges: "-.", ends: ".", twice: ".",
		source: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ServiceConnectClientAlias.html"},
	NameECSService: {what: "ECS service", min: 1, max: 255, chars: "-_", upper: true,
		source: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateService.html"},
	NameS3Bucket: {what: "S3 bucket", min: 3, max: 63, chars: "-.", edges: "-.", ends: "-.", twice: ".", notIP: true,
		prefixes: []string{"xn--", "sthree-", "amzn-s3-demo-"},
		suffixes: []string{"-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"},
		source:   "https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html"},
	NameLogGroup: {what: "log group", min: 1, max: 512, chars: "_-/.#", upper: true, prefixes: []string{"aws/"},
		source: "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html"},
	NameSecurityGroup: {what: "security group", min: 1, max: 255, chars: " ._-:/()#,@[]+=&;{}!$*", upper: true, prefixes: []string{"sg-"},
		source: "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSecurityGroup.html"},
	NameAccelerator: {what: "Global Accelerator", min: 1, max: 64, chars: "-.", upper: true, edges: "-.", ends: "-.",
		source: "https://docs.aws.amazon.com/global-accelerator/latest/api/API_CreateAccelerator.html"},
}

func (k NameKind) rule() nameRule {
	r, ok := nameRules[k]
	if !ok {
		panic(fmt.Sprintf("design: unknown name kind %d", int(k)))
	}
	return r
}

// String names the kind: "load balancer", "S3 bucket".
func (k NameKind) String() string {
	if r, ok := nameRules[k]; ok {
		return r.what
	}
	return fmt.Sprintf("NameKind(%d)", int(k))
}

// Source is the AWS page that documents the kind's rules.
func (k NameKind) Source() string { return k.rule().source }

// MaxLen is the longest name AWS takes for the kind.
func (k NameKind) MaxLen() int { return k.rule().max }

// ValidName returns nil if AWS accepts name as a name of kind, else an
// error that says the first rule it breaks.
func ValidName(kind NameKind, name string) error {
	r := kind.rule()
	fail := func(format string, args ...any) error {
		return fmt.Errorf("%s name %q %s", r.what, name, fmt.Sprintf(format, args...))
	}
	if len(name) < r.min || len(name) > r.max {
		if r.min == 1 {
			return fail("is %d characters long; at most %d are allowed", len(name), r.max)
		}
		return fail("is %d characters long; %d to %d are allowed", len(name), r.min, r.max)
	}
	for i := 0; i < len(name); i++ {
		if !r.allows(name[i]) {
			return fail("has %q, which is not allowed", name[i])
		}
	}
	if strings.ContainsAny(name[:1], r.edges) {
		return fail("begins with %q", name[0])
	}
	if strings.ContainsAny(name[len(name)-1:], r.ends) {
		return fail("ends with %q", name[len(name)-1])
	}
	for _, c := range r.twice {
		if strings.Contains(name, string(c)+string(c)) {
			return fail("has two %q together", c)
		}
	}
	lower := strings.ToLower(name)
	for _, p := range r.prefixes {
		if strings.HasPrefix(lower, p) {
			return fail("begins with %q, which AWS reserves", p)
		}
	}
	for _, s := range r.suffixes {
		if strings.HasSuffix(lower, s) {
			return fail("ends with %q, which AWS reserves", s)
		}
	}
	if r.notIP {
		if a, err := netip.ParseAddr(name); err == nil && a.Is4() {
			return fail("is formatted as an IP address")
		}
	}
	if r.labels {
		for _, l := range strings.Split(name, ".") {
			switch {
			case l == "" || len(l) > 63:
				return fail("has a label of %d characters; 1 to 63 are allowed", len(l))
			case l[0] == '-' || l[len(l)-1] == '-':
				return fail("has the label %q, which begins or ends with a hyphen", l)
			case len(l) == 1 && l == "_":
				return fail("has the label %q", l)
			}
		}
	}
	return nil
}

func (r nameRule) allows(c byte) bool {
	switch {
	case r.printable:
		return c >= '!' && c <= '~'
	case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
		return true
	case c >= 'A' && c <= 'Z':
		return r.upper
	}
	return strings.IndexByte(r.chars, c) >= 0
}

// FitName returns want when AWS accepts it as a name of kind. Otherwise it
// returns a valid name made from it: lowercased where the kind needs it,
// other characters as hyphens, "nw-" before a reserved prefix, cut to
// length, and always ending in a hyphen and six hex digits of want's
// SHA-256, so the name is stable and two wants never share it. A want
// that is valid but long is cut the same way, keeping its start.
func FitName(kind NameKind, want string) string {
	return FitNameWithin(kind, want, kind.rule().max)
}

// FitNameWithin is FitName for names kept within limit characters (at
// least 16; the kind's own maximum if that is smaller), which keeps the
// names an older release made within a shorter limit the same.
func FitNameWithin(kind NameKind, want string, limit int) string {
	r := kind.rule()
	n := min(max(limit, 16), r.max)
	if len(want) <= n && ValidName(kind, want) == nil {
		return want
	}
	if r.labels {
		n = min(n, 63) // one label: dots become hyphens below
	}
	var b strings.Builder
	for i := 0; i < len(want); i++ {
		c := want[i]
		if c >= 'A' && c <= 'Z' && !r.upper && !r.printable {
			c += 'a' - 'A'
		}
		if !r.allows(c) || (r.labels && c == '.') {
			c = '-'
		}
		b.WriteByte(c)
	}
	s := b.String()
	for _, c := range r.twice {
		for double := string(c) + string(c); strings.Contains(s, double); {
			s = strings.ReplaceAll(s, double, string(c))
		}
	}
	// Every kind's edges and ends are among these; trimming them where a
	// kind allows them costs nothing.
	const trim = "-."
	s = strings.Trim(s, trim)
	lower := strings.ToLower(s)
	for _, p := range r.prefixes {
		if strings.HasPrefix(lower, p) {
			s = "nw-" + s
			break
		}
	}
	if s == "" {
		s = "nw"
	}
	sum := sha256.Sum256([]byte(want))
	tag := "-" + hex.EncodeToString(sum[:])[:6]
	s = strings.TrimRight(s[:min(len(s), n-len(tag))], trim)
	return s + tag
}

// Name is one name a design gives an AWS resource, which AWS checks when
// it creates the resource.
type Name struct {
	Kind NameKind
	Name string
	// Of is the ID (or, for names without one, the name) of the design
	// object that holds the name.
	Of string
	// Scope is where AWS wants the name unique (a Region, VPC or
	// namespace), or empty where the design itself keeps it so.
	Scope string
}

// Names lists every name the design gives an AWS resource, in design
// order.
func (d *Design) Names() []Name {
	var out []Name
	add := func(kind NameKind, name, of, scope string) {
		out = append(out, Name{Kind: kind, Name: name, Of: of, Scope: scope})
	}
	region := map[string]string{}
	for _, v := range d.VPCs {
		region[v.ID] = v.Region
		if v.FlowLogs != nil {
			add(NameLogGroup, v.FlowLogs.LogGroup, v.FlowLogs.ID, v.Region)
		}
	}
	var buckets []string
	for _, lb := range d.LoadBalancers {
		add(NameLoadBalancer, lb.Name, lb.ID, region[lb.VPC])
		if lb.AccessLogs != nil && !slices.Contains(buckets, lb.AccessLogs.Bucket) {
			// One bucket takes the logs of every load balancer in a Region.
			buckets = append(buckets, lb.AccessLogs.Bucket)
			add(NameS3Bucket, lb.AccessLogs.Bucket, lb.ID, "")
		}
	}
	for _, tg := range d.TargetGroups {
		if tg.StackOwns() { // the controller names its own
			add(NameTargetGroup, tg.Name, tg.ID, region[tg.VPC])
		}
	}
	for _, g := range d.SecurityGroups {
		if g.Kind != SGDefault { // the default group keeps the name "default"
			add(NameSecurityGroup, g.Name, g.ID, g.VPC)
		}
	}
	if d.Compute != "eks" {
		for _, s := range d.Services {
			// Services and appliances run as ECS services; data stores are
			// managed services named elsewhere.
			if s.Kind == KindService || s.Kind == KindAppliance {
				add(NameECSService, s.Name, s.Name, "")
			}
		}
	}
	for _, ns := range d.Namespaces {
		kind := NameCloudMapDNSNamespace
		if ns.Type == NamespaceHTTP {
			kind = NameCloudMapHTTPNamespace
		}
		add(kind, ns.Name, ns.ID, "")
		for _, s := range ns.Services {
			add(NameCloudMapService, s.Service, s.ID, ns.ID)
		}
	}
	if d.Mesh != nil && d.Mesh.ServiceConnect != nil {
		sc := d.Mesh.ServiceConnect
		for _, s := range sc.Services {
			if s.DiscoveryName != "" {
				add(NameServiceConnectDiscovery, s.DiscoveryName, s.Service, sc.Namespace)
			}
			for _, a := range s.ClientAliases {
				add(NameServiceConnectAlias, a.DNSName, s.Service, "")
			}
		}
	}
	if d.Mesh != nil && d.Mesh.Lattice != nil {
		lat := d.Mesh.Lattice
		add(NameLatticeServiceNetwork, lat.ServiceNetwork, lat.ServiceNetwork, "")
		for _, s := range lat.Services {
			add(NameLatticeService, s.Name, s.Service, "the account")
		}
		for _, tg := range lat.TargetGroups {
			if tg.Name != "" { // the controller names its own
				add(NameLatticeTargetGroup, tg.Name, tg.Service, "the account")
			}
		}
	}
	if d.Global != nil && d.Global.Accelerator != nil {
		add(NameAccelerator, d.Global.Accelerator.Name, d.Global.Accelerator.ID, "")
	}
	return out
}

// NameProblem is a name AWS would refuse, and why.
type NameProblem struct {
	Name
	Err error
}

// NameProblems returns every name in the design that AWS would refuse,
// in design order: one that breaks its kind's rules, or one that another
// resource of its kind already has in its scope (compared without case, as
// ELB, EC2 and Cloud Map compare them).
func (d *Design) NameProblems() []NameProblem {
	var out []NameProblem
	holder := map[string]string{}
	for _, n := range d.Names() {
		if err := ValidName(n.Kind, n.Name); err != nil {
			out = append(out, NameProblem{n, err})
			continue
		}
		if n.Scope == "" {
			continue
		}
		key := fmt.Sprintf("%d\x00%s\x00%s", n.Kind, n.Scope, strings.ToLower(n.Name))
		if first, ok := holder[key]; ok {
			out = append(out, NameProblem{n, fmt.Errorf("%s name %q is already the name of %s in %s", n.Kind, n.Name, first, n.Scope)})
			continue
		}
		holder[key] = n.Of
	}
	return out
}
