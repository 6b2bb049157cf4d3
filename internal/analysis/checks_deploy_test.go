package analysis

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/plan/plantest"
)

func init() {
	// The clean base broken the ways issue 13 found exports broken.
	breakers["NW126"] = func(d *design.Design) { d.Identities = nil }
	breakers["NW128"] = func(d *design.Design) { d.TargetGroups[0].Health.Port = 9999 }
	breakers["NW129"] = func(d *design.Design) {
		rt := &d.VPCs[0].RouteTables[0]
		rt.Routes = append(rt.Routes, design.Route{Destination: netipPrefix("203.0.113.0/24"), TargetKind: design.TargetGWLBEndpoint, Target: "gwlbe-gone"})
	}
	breakers["NW131"] = func(d *design.Design) {
		for i := range d.VPCs[0].Endpoints {
			d.VPCs[0].Endpoints[i].PrivateDNS = false
		}
	}
	breakers["NW132"] = func(d *design.Design) {
		d.Mesh.Target = "vpc_lattice"
		d.Mesh.Lattice = &design.Lattice{ServiceNetwork: "fx-mesh", AuthType: "AWS_IAM", VPCs: []string{"vpc-fx"},
			Services: []design.LatticeService{{ID: "lattice-svc-app", Name: "fx-app", Service: "app", Protocol: "HTTPS", Port: 443, AllowedCallers: []string{"web"},
				DefaultTarget: []design.WeightedNode{{Node: "vn-app", Weight: 100}}}},
			TargetGroups: []design.LatticeTargetGroup{{ID: "lattice-tg-app", Name: "fx-app", Service: "app", Protocol: "HTTP", ProtocolVersion: "HTTP1", Port: 9000}}}
	}
}

func findingTexts(d *design.Design, check string) []string {
	var out []string
	for _, f := range findingsOf(Analyze(d), check) {
		out = append(out, f.Summary)
	}
	return out
}

// hasFinding fails the test unless check reports a finding with want in
// its summary.
func hasFinding(t *testing.T, d *design.Design, check, want string) {
	t.Helper()
	got := findingTexts(d, check)
	for _, g := range got {
		if strings.Contains(g, want) {
			return
		}
	}
	t.Errorf("%s found %q; want one saying %q", check, got, want)
}

func quiet(t *testing.T, d *design.Design, checks ...string) {
	t.Helper()
	for _, c := range checks {
		if got := findingTexts(d, c); len(got) > 0 {
			t.Errorf("%s on a design that deploys: %q", c, got)
		}
	}
}

var deployChecks = []string{"NW126", "NW128", "NW129", "NW131", "NW132"}

// TestDeployChecksQuiet: the deploy-semantics checks find nothing in the
// designs netwright makes: every example, an EKS design, a VPC Lattice
// design, and one whose tasks register in Cloud Map.
func TestDeployChecksQuiet(t *testing.T) {
	designs := plantest.Examples(t, "../../examples")
	designs["eks"] = plantest.Design(t, "eks.yaml", []byte(plantest.EKSSpec))
	designs["lattice"] = plantest.Design(t, "lattice.yaml", []byte(plantest.LatticeSpec))
	designs["cloudmap"] = plantest.Design(t, "cloudmap.yaml", []byte(plantest.CloudMapSpec))
	for name, d := range designs {
		t.Run(name, func(t *testing.T) { quiet(t, d, deployChecks...) })
	}
}

// TestDeployChecksFire breaks designs the ways issue 13 found them broken
// and checks each check says so.
func TestDeployChecksFire(t *testing.T) {
	t.Run("EKS roles no stack creates", func(t *testing.T) {
		d := plantest.Design(t, "eks.yaml", []byte(plantest.EKSSpec))
		d.Identities = d.Identities[:0]
		hasFinding(t, d, "NW126", "the auth policy of api-kube names web's identity, which no stack creates")
		hasFinding(t, d, "NW126", "web's tasks act as role-web, which no stack creates")
	})
	t.Run("hub ALB target group with the tasks in a spoke", func(t *testing.T) {
		d := plantest.File(t, "../../examples/hub-spoke.yaml")
		for i := range d.TargetGroups {
			if d.TargetGroups[i].Service == "portal" {
				d.TargetGroups[i].VPC = "vpc-portal-hub"
			}
		}
		hasFinding(t, d, "NW128", "where portal has no tasks: ECS registers tasks only in a target group of their own VPC")
	})
	t.Run("UDP target checked on a port the task does not map", func(t *testing.T) {
		d := plantest.Design(t, "cloudmap.yaml", []byte(plantest.CloudMapSpec))
		pf := d.Service("stats").Platform
		pf.Ports = pf.Ports[:1] // the UDP port alone, as before issue 13
		hasFinding(t, d, "NW128", "checks health on tcp 8126, which stats's container does not map")
	})
	t.Run("UDP health checks over UDP", func(t *testing.T) {
		d := plantest.Design(t, "cloudmap.yaml", []byte(plantest.CloudMapSpec))
		for i := range d.TargetGroups {
			if d.TargetGroups[i].Protocol == "UDP" {
				d.TargetGroups[i].Health.Protocol = "UDP"
			}
		}
		hasFinding(t, d, "NW128", "checks health over UDP, which a network load balancer cannot")
	})
	t.Run("GWLB appliances never registered", func(t *testing.T) {
		d := plantest.File(t, "../../examples/hub-spoke.yaml")
		d.Service("firewall").Platform.Registrations = nil
		hasFinding(t, d, "NW128", "no service registers its tasks in tg-portal-hub-firewall-6081")
		hasFinding(t, d, "NW129", "but no appliance is registered behind gwlb-portal-hub: the traffic is dropped")
	})
	t.Run("spokes without the hub's endpoint names", func(t *testing.T) {
		d := plantest.File(t, "../../examples/hub-spoke.yaml")
		d.PrivateZones = nil
		hasFinding(t, d, "NW131", "tasks in vpc-portal resolve ecr.api, ecr.dkr, logs, secretsmanager, sts to public addresses")
		hasFinding(t, d, "NW131", "tasks in vpc-portal-shared resolve")
	})
	t.Run("Lattice network without an auth policy", func(t *testing.T) {
		d := plantest.Design(t, "lattice.yaml", []byte(plantest.LatticeSpec))
		d.Mesh.Lattice.NetworkAuth = ""
		hasFinding(t, d, "NW132", "has auth type AWS_IAM and no auth policy: it denies every request")
	})
	t.Run("Lattice caller without Invoke", func(t *testing.T) {
		d := plantest.Design(t, "lattice.yaml", []byte(plantest.LatticeSpec))
		d.Identity("role-web").Permissions = nil
		hasFinding(t, d, "NW132", "web's identity may not invoke lat-api")
	})
	t.Run("EKS caller whose Invoke covers another service network", func(t *testing.T) {
		// On EKS the controller makes the services after the stack: a
		// caller's Invoke covers its network's services, not another's.
		d := plantest.Design(t, "eks.yaml", []byte(plantest.EKSSpec))
		perm := &d.Identity("role-web").Permissions[0]
		if perm.LatticeServiceNetwork != d.Mesh.Lattice.ServiceNetwork || len(perm.LatticeServices) != 0 {
			t.Fatalf("web's Invoke covers %v of %q; want the services of %s", perm.LatticeServices, perm.LatticeServiceNetwork, d.Mesh.Lattice.ServiceNetwork)
		}
		quiet(t, d, "NW132")
		perm.LatticeServiceNetwork = "other-mesh"
		hasFinding(t, d, "NW132", "web's identity may not invoke api-kube")
	})
	t.Run("Lattice targets not admitting the prefix list", func(t *testing.T) {
		d := plantest.Design(t, "lattice.yaml", []byte(plantest.LatticeSpec))
		g := group(d, "sg-lat-api-v2")
		g.Ingress = nil
		hasFinding(t, d, "NW132", "api-v2's groups in vpc-lat do not admit com.amazonaws.us-east-1.vpc-lattice on tcp 9090")
	})
	t.Run("Lattice gRPC health check", func(t *testing.T) {
		d := plantest.Design(t, "lattice.yaml", []byte(plantest.LatticeSpec))
		d.Mesh.Lattice.TargetGroups[0].Health.ProtocolVersion = "GRPC"
		hasFinding(t, d, "NW132", "VPC Lattice checks HTTP or HTTPS over HTTP1 or HTTP2 only")
	})
}

func netipPrefix(s string) netip.Prefix { return netip.MustParsePrefix(s) }
