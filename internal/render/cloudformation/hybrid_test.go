package cloudformation

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/plan/plantest"
)

// TestSitesStack pins what CloudFormation cannot do in one stack: a VPN
// connection and a Direct Connect gateway association make Transit
// Gateway attachments it does not return. The base stack makes the
// connections and no association or propagation of a site attachment;
// the sites stack makes each, taking the attachment as a parameter the
// guide looks up; the origin secret is a NoEcho parameter the listener
// rule and the distribution share.
func TestSitesStack(t *testing.T) {
	d, files, byName := buildExample(t, "hybrid")
	base, sites := byName["orders-us-east-1"], byName["orders-us-east-1-sites"]
	if base.Template == nil || sites.Template == nil {
		t.Fatalf("files %v; want the base and the sites stack", files)
	}
	siteAtts := map[string]bool{}
	for _, tgw := range d.TransitGateways {
		for _, a := range tgw.SiteAttachments {
			siteAtts[logicalID(a.ID)] = true
		}
	}
	for id, r := range base.Template.Resources {
		j, _ := json.Marshal(r.Properties)
		for a := range siteAtts {
			if strings.Contains(string(j), a) {
				t.Errorf("base resource %s (%s) uses site attachment %s, which CloudFormation cannot return there", id, r.Type, a)
			}
		}
	}
	var assoc, prop int
	for id, r := range sites.Template.Resources {
		switch r.Type {
		case "AWS::EC2::TransitGatewayRouteTableAssociation":
			assoc++
		case "AWS::EC2::TransitGatewayRouteTablePropagation":
			prop++
		default:
			t.Errorf("sites stack has %s (%s)", id, r.Type)
		}
	}
	if assoc != 2 || prop != 2 {
		t.Errorf("sites stack: %d associations, %d propagations; want the DX and VPN attachments each associated with the site table and propagating into the VPC's", assoc, prop)
	}
	for a := range siteAtts {
		p, ok := sites.Template.Parameters[a+"Id"]
		if !ok || !strings.Contains(p.Description, "describe-transit-gateway-attachments") {
			t.Errorf("sites stack parameter %sId = %+v; want one with the lookup", a, p)
		}
	}
	guide := string(Readme(d, files))
	if !strings.Contains(guide, "orders-us-east-1-sites") || strings.Index(guide, "Stack orders-us-east-1-sites") < strings.Index(guide, "Stack orders-us-east-1 ") {
		t.Errorf("the guide does not deploy the sites stack after the base:\n%s", guide)
	}
	secret := base.Template.Parameters[OriginSecretParameter]
	if !secret.NoEcho || secret.MinLength < 32 {
		t.Errorf("%s = %+v; want a NoEcho secret of 32 or more", OriginSecretParameter, secret)
	}
	j, _ := base.Template.JSON()
	if strings.Contains(string(j), design.OriginSecret) {
		t.Error("the template holds the design's secret placeholder")
	}
	if n := strings.Count(string(j), `"Ref": "`+OriginSecretParameter+`"`); n < 2 {
		t.Errorf("the secret is used %d times; want the distribution's header and the listener rule", n)
	}
}

// TestDistributionProxiesGRPC: a public gRPC service behind CloudFront
// needs the default cache behavior's GrpcConfig enabled (the CloudFront
// developer guide, "Using gRPC with CloudFront distributions"), and the
// template still matches the resource specification.
func TestDistributionProxiesGRPC(t *testing.T) {
	d := plantest.Design(t, "cf.yaml", []byte(`version: 1
app: cf
services:
  web: {port: 8080, public: true}
  rpc: {port: 50051, protocol: grpc, public: true}
ingress:
  - {path: /shop.v1.Rpc/*, to: rpc}
  - {to: web}
tls: {domain: cf.example.com}
edge: {cloudfront: true, static_paths: [/assets/*]}
`))
	files, _, err := Build(d)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, f := range files {
		m := plain(t, f)
		for id, p := range resourcesOf(m, "AWS::CloudFront::Distribution") {
			found = true
			cfg := p["DistributionConfig"].(map[string]any)
			g, _ := cfg["DefaultCacheBehavior"].(map[string]any)["GrpcConfig"].(map[string]any)
			if g["Enabled"] != true {
				t.Errorf("%s: the default cache behavior does not enable gRPC: %v", id, cfg["DefaultCacheBehavior"])
			}
			for _, b := range asList(cfg["CacheBehaviors"]) {
				if _, ok := b.(map[string]any)["GrpcConfig"]; ok {
					t.Errorf("%s: a static cache behavior enables gRPC, which only POST carries: %v", id, b)
				}
			}
		}
		j, err := f.Template.JSON()
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range validate(loadSpec(t, "testdata/cfn-spec.json"), j) {
			t.Errorf("%s: %s", f.Name, e)
		}
	}
	if !found {
		t.Fatal("no distribution")
	}
}
