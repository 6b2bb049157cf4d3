package design

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"
)

// TestValidName follows each kind's documented rules, with the valid and
// invalid examples AWS's pages give where they give some (the S3 bucket
// examples are the user guide's; "_exampleservice._tcp" is Cloud Map's SRV
// form; "database", "db" and "redis" ECS's suggested client aliases).
func TestValidName(t *testing.T) {
	tests := []struct {
		kind NameKind
		name string
		ok   bool
	}{
		{NameLoadBalancer, "my-load-balancer", true},
		{NameLoadBalancer, "Shop-Public-1", true},
		{NameLoadBalancer, strings.Repeat("a", 32), true},
		{NameLoadBalancer, strings.Repeat("a", 33), false},
		{NameLoadBalancer, "internal-tools-public", false},
		{NameLoadBalancer, "Internal-tools", false},
		{NameLoadBalancer, "internal", true},
		{NameLoadBalancer, "tools-internal-alb", true},
		{NameLoadBalancer, "-shop", false},
		{NameLoadBalancer, "shop-", false},
		{NameLoadBalancer, "shop_public", false},
		{NameLoadBalancer, "", false},

		{NameTargetGroup, "my-targets", true},
		{NameTargetGroup, "internal-tools-web-8080", true},
		{NameTargetGroup, "-web", false},
		{NameTargetGroup, "web.8080", false},
		{NameTargetGroup, strings.Repeat("t", 33), false},

		{NameLatticeServiceNetwork, "my-service-network", true},
		{NameLatticeServiceNetwork, "ab", false},
		{NameLatticeServiceNetwork, "a--b-mesh", false},
		{NameLatticeServiceNetwork, "servicenetwork-shop", false},
		{NameLatticeServiceNetwork, "Shop-mesh", false},
		{NameLatticeServiceNetwork, "shop-mesh-", false},
		{NameLatticeServiceNetwork, strings.Repeat("n", 64), false},

		{NameLatticeService, "shop-cart", true},
		{NameLatticeService, strings.Repeat("s", 40), true},
		{NameLatticeService, strings.Repeat("s", 41), false},
		{NameLatticeService, "svc-cart", false},
		{NameLatticeService, "shop_cart", false},

		{NameLatticeTargetGroup, "shop-cart", true},
		{NameLatticeTargetGroup, strings.Repeat("g", 128), true},
		{NameLatticeTargetGroup, "tg-cart", false},
		{NameLatticeTargetGroup, "shop--cart", false},

		{NameCloudMapDNSNamespace, "example.com", true},
		{NameCloudMapDNSNamespace, "Shop.Local", true},
		{NameCloudMapDNSNamespace, "", false},
		{NameCloudMapDNSNamespace, "shop local", false},
		{NameCloudMapDNSNamespace, strings.Repeat("n", 254), false},

		{NameCloudMapHTTPNamespace, "shop-api", true},
		{NameCloudMapHTTPNamespace, "arn:aws:shop", false},

		{NameCloudMapService, "backend", true},
		{NameCloudMapService, "_exampleservice._tcp", true},
		{NameCloudMapService, "-backend", false},
		{NameCloudMapService, "backend-", false},
		{NameCloudMapService, "a..b", false},
		{NameCloudMapService, strings.Repeat("l", 64), false},
		{NameCloudMapService, strings.Repeat("l.", 63) + "ll", false},

		{NameServiceConnectDiscovery, "cart", true},
		{NameServiceConnectDiscovery, "cart_v2", true},
		{NameServiceConnectDiscovery, "-cart", false},
		{NameServiceConnectDiscovery, "Cart", false},
		{NameServiceConnectDiscovery, "cart.shop", false},
		{NameServiceConnectDiscovery, strings.Repeat("d", 65), false},

		{NameServiceConnectAlias, "database", true},
		{NameServiceConnectAlias, "db", true},
		{NameServiceConnectAlias, "redis", true},
		{NameServiceConnectAlias, "cart.shop.local", true},
		{NameServiceConnectAlias, "cart.Shop.local", false},
		{NameServiceConnectAlias, "-cart.shop.local", false},
		{NameServiceConnectAlias, "cart..local", false},
		{NameServiceConnectAlias, "cart." + strings.Repeat("n", 123), false},

		{NameECSService, "cart", true},
		{NameECSService, "Cart_Service-2", true},
		{NameECSService, "cart.v2", false},
		{NameECSService, strings.Repeat("e", 256), false},

		{NameS3Bucket, "docexamplebucket1", true},
		{NameS3Bucket, "log-delivery-march-2020", true},
		{NameS3Bucket, "my-hosted-content", true},
		{NameS3Bucket, "docexamplewebsite.com", true},
		{NameS3Bucket, "doc_example_bucket", false},
		{NameS3Bucket, "DocExampleBucket", false},
		{NameS3Bucket, "doc-example-bucket-", false},
		{NameS3Bucket, "ab", false},
		{NameS3Bucket, "doc..bucket", false},
		{NameS3Bucket, "192.168.5.4", false},
		{NameS3Bucket, "xn--shop-us-east-1-lb-logs", false},
		{NameS3Bucket, "sthree-logs", false},
		{NameS3Bucket, "amzn-s3-demo-bucket", false},
		{NameS3Bucket, "logs-s3alias", false},
		{NameS3Bucket, "logs--ol-s3", false},
		{NameS3Bucket, "logs.mrap", false},
		{NameS3Bucket, "logs--x-s3", false},
		{NameS3Bucket, "logs--table-s3", false},

		{NameLogGroup, "/netwright/shop/tasks", true},
		{NameLogGroup, "/aws/lambda/shop", true},
		{NameLogGroup, "my#group_1.log", true},
		{NameLogGroup, "aws/shop", false},
		{NameLogGroup, "shop logs", false},
		{NameLogGroup, "", false},

		{NameSecurityGroup, "shop-web", true},
		{NameSecurityGroup, "web (tasks): [8080] {a,b} @x+=&;!$*/#", true},
		{NameSecurityGroup, "sg-shop-web", false},
		{NameSecurityGroup, "SG-shop", false},
		{NameSecurityGroup, "shop%web", false},
		{NameSecurityGroup, strings.Repeat("g", 256), false},

		{NameAccelerator, "shop-global", true},
		{NameAccelerator, "shop.global", true},
		{NameAccelerator, ".shop", false},
		{NameAccelerator, "shop-", false},
		{NameAccelerator, strings.Repeat("a", 65), false},
	}
	for _, tt := range tests {
		t.Run(tt.kind.String()+"/"+tt.name, func(t *testing.T) {
			err := ValidName(tt.kind, tt.name)
			if (err == nil) != tt.ok {
				t.Errorf("ValidName(%s, %q) = %v; want ok %v", tt.kind, tt.name, err, tt.ok)
			}
		})
	}
}

func TestValidNameSaysWhy(t *testing.T) {
	err := ValidName(NameLoadBalancer, "internal-tools-public")
	want := `load balancer name "internal-tools-public" begins with "internal-", which AWS reserves`
	if err == nil || err.Error() != want {
		t.Errorf("ValidName = %v; want %s", err, want)
	}
}

// legacyLBName is how the architects shortened ELB names before FitName:
// a name FitName cuts must come out the same, so deployed names stay.
func legacyLBName(s string) string {
	if len(s) <= 32 {
		return s
	}
	sum := sha256.Sum256([]byte(s))
	return strings.TrimRight(s[:25], "-") + "-" + hex.EncodeToString(sum[:])[:6]
}

func TestFitName(t *testing.T) {
	for _, tt := range []struct {
		kind NameKind
		want string
	}{
		{NameLoadBalancer, "shop-public"},
		{NameLoadBalancer, "a-very-long-application-name-public"},
		{NameLoadBalancer, "multi-region-app-ap-southeast-2-internal-alb"},
		{NameTargetGroup, "a-very-long-application-name-api-9090"},
		{NameTargetGroup, "abcdefghijklmnopqrstuvwx-z-9090-nlb"},
	} {
		if got, legacy := FitName(tt.kind, tt.want), legacyLBName(tt.want); got != legacy {
			t.Errorf("FitName(%s, %q) = %q; want %q as before", tt.kind, tt.want, got, legacy)
		}
	}
	for _, tt := range []struct {
		kind NameKind
		want string
		// prefix is what the name keeps of want.
		prefix string
	}{
		{NameLoadBalancer, "internal-tools-public", "nw-internal-tools-public-"},
		{NameLoadBalancer, "internal-tools-internal-alb", "nw-internal-tools-interna-"},
		{NameSecurityGroup, "sg-web-api", "nw-sg-web-api-"},
		{NameLatticeServiceNetwork, "my--app-mesh", "my-app-mesh-"},
		{NameLatticeService, "svc-shop-cart", "nw-svc-shop-cart-"},
		{NameLatticeTargetGroup, "tg-shop-cart", "nw-tg-shop-cart-"},
		{NameLatticeService, "Shop_Cart", "shop-cart-"},
		{NameS3Bucket, "xn--shop-us-east-1-lb-logs", "nw-xn--shop-us-east-1-lb-logs-"},
		{NameS3Bucket, "shop-s3alias", "shop-s3alias-"},
		{NameLogGroup, "aws/shop", "nw-aws/shop-"},
		{NameServiceConnectAlias, "Cart.Shop.Local", "cart.shop.local-"},
		{NameCloudMapService, "-cart-", "cart-"},
		{NameLoadBalancer, "", "nw-"},
	} {
		got := FitName(tt.kind, tt.want)
		if err := ValidName(tt.kind, got); err != nil {
			t.Errorf("FitName(%s, %q) = %q, which is invalid: %v", tt.kind, tt.want, got, err)
		}
		if !strings.HasPrefix(got, tt.prefix) || len(got) != len(tt.prefix)+6 {
			t.Errorf("FitName(%s, %q) = %q; want %q and six hex digits", tt.kind, tt.want, got, tt.prefix)
		}
		if again := FitName(tt.kind, tt.want); again != got {
			t.Errorf("FitName(%s, %q) is %q, then %q", tt.kind, tt.want, got, again)
		}
	}
	if a, b := FitName(NameLatticeService, "a--b"), FitName(NameLatticeService, "a-b"); a == b {
		t.Errorf("FitName gives a--b and a-b the same Lattice name %q", a)
	}
	if got := FitNameWithin(NameLatticeService, "shop-a-service-name-of-36-characters", 32); len(got) > 32 || ValidName(NameLatticeService, got) != nil {
		t.Errorf("FitNameWithin(32) = %q", got)
	}
}

var allNameKinds = func() []NameKind {
	var ks []NameKind
	for k := NameLoadBalancer; k <= NameAccelerator; k++ {
		ks = append(ks, k)
	}
	return ks
}()

// FuzzFitName: whatever the architects want to call a resource, FitName
// returns a name AWS takes, and leaves one it already takes alone.
func FuzzFitName(f *testing.F) {
	for _, s := range []string{"internal-tools-public", "sg-web", "a--b", "", "-", ".", "xn--", "192.168.5.4", "Aws/x", "arn:x", "_", "a.b.c", strings.Repeat("x-", 80)} {
		f.Add(uint8(0), s)
	}
	f.Fuzz(func(t *testing.T, k uint8, want string) {
		kind := allNameKinds[int(k)%len(allNameKinds)]
		got := FitName(kind, want)
		if err := ValidName(kind, got); err != nil {
			t.Fatalf("FitName(%s, %q) = %q: %v", kind, want, got, err)
		}
		if ValidName(kind, want) == nil && got != want {
			t.Fatalf("FitName(%s, %q) = %q; a valid name must stay", kind, want, got)
		}
	})
}

func TestNameProblems(t *testing.T) {
	d := &Design{
		VPCs: []VPC{{ID: "vpc-a", Region: "us-east-1"}, {ID: "vpc-b", Region: "eu-west-1"}},
		LoadBalancers: []LoadBalancer{
			{ID: "alb-a", Name: "shop-public", VPC: "vpc-a"},
			{ID: "alb-b", Name: "shop-public", VPC: "vpc-b"}, // another Region: fine
			{ID: "nlb-a", Name: "Shop-Public", VPC: "vpc-a"},
			{ID: "alb-internal", Name: "internal-tools-public", VPC: "vpc-a"},
		},
		SecurityGroups: []SecurityGroup{
			{ID: "sg-a-default", Name: "sg-a-default", VPC: "vpc-a", Kind: SGDefault}, // never named in AWS
			{ID: "sg-a-web", Name: "a-web", VPC: "vpc-a", Kind: SGService},
			{ID: "sg-b-web", Name: "a-web", VPC: "vpc-b", Kind: SGService},
		},
	}
	var got []string
	for _, p := range d.NameProblems() {
		got = append(got, p.Of+": "+p.Err.Error())
	}
	want := []string{
		`nlb-a: load balancer name "Shop-Public" is already the name of alb-a in us-east-1`,
		`alb-internal: load balancer name "internal-tools-public" begins with "internal-", which AWS reserves`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("NameProblems() =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
