package cloudformation

import (
	"fmt"
	"strings"
	"testing"

	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/plan/plantest"
)

// TestClusterStack pins the order an EKS design deploys in: the base stack
// makes the VPC, the subnets and the pods' roles, and nothing that names
// the cluster (which is built on those subnets afterwards, so
// CreatePodIdentityAssociation would fail with ResourceNotFoundException
// and roll the whole stack back); the cluster stack associates every
// role, taken from the base stack's outputs, and the guide deploys it
// after the cluster.
func TestClusterStack(t *testing.T) {
	d, files, byName := buildExample(t, "eks-storefront")
	base, cluster := byName["storefront-us-east-1"], byName["storefront-us-east-1-cluster"]
	if base.Template == nil || cluster.Template == nil {
		t.Fatalf("files %v; want the base and the cluster stack", files)
	}
	if _, ok := base.Template.Parameters["EksClusterName"]; ok {
		t.Error("the base stack takes EksClusterName; the cluster cannot exist before the subnets it is built on")
	}
	for id, r := range base.Template.Resources {
		if strings.HasPrefix(r.Type, "AWS::EKS::") {
			t.Errorf("base stack has %s (%s), which needs the cluster", id, r.Type)
		}
	}
	roles := 0
	for id, r := range cluster.Template.Resources {
		if r.Type != "AWS::EKS::PodIdentityAssociation" {
			t.Errorf("cluster stack has %s (%s)", id, r.Type)
			continue
		}
		roles++
		a := r.Properties.(podIdentityAssociation)
		arn, ok := a.RoleArn.(map[string]any)["Ref"].(string)
		if !ok {
			t.Errorf("%s: RoleArn %v; want a parameter", id, a.RoleArn)
			continue
		}
		if _, ok := base.Template.Outputs[arn]; !ok {
			t.Errorf("%s takes %s, which the base stack does not output", id, arn)
		}
	}
	if want := len(d.Identities); roles != want {
		t.Errorf("cluster stack associates %d roles; want %d", roles, want)
	}
	guide := string(Readme(d, files))
	b, c, s := strings.Index(guide, "Stack storefront-us-east-1 "), strings.Index(guide, "The EKS cluster in us-east-1"), strings.Index(guide, "Stack storefront-us-east-1-cluster ")
	if b < 0 || c < 0 || s < 0 || b > c || c > s {
		t.Errorf("guide orders base %d, cluster %d, cluster stack %d; want them in that order:\n%s", b, c, s, guide)
	}
}

// TestClusterGuideAttachesVPCResourceController checks the guide of a
// design with Security Groups for Pods has the cluster's IAM role given
// AmazonEKSVPCResourceController: without it the VPC resource controller
// cannot make the trunk and branch network interfaces the pods' groups
// ride ("Add the AmazonEKSVPCResourceController managed IAM policy to the
// cluster role",
// https://docs.aws.amazon.com/eks/latest/userguide/security-groups-pods-deployment.html).
func TestClusterGuideAttachesVPCResourceController(t *testing.T) {
	d := plantest.File(t, "../../../examples/eks-storefront.yaml")
	if !d.Kubernetes.PodSecurityGroups {
		t.Fatal("examples/eks-storefront.yaml has no pod security groups")
	}
	files, _, err := Build(d)
	if err != nil {
		t.Fatal(err)
	}
	guide := string(Readme(d, files))
	if !strings.Contains(guide, "arn:aws:iam::aws:policy/AmazonEKSVPCResourceController") {
		t.Errorf("the guide does not attach AmazonEKSVPCResourceController to the cluster role:\n%s", guide)
	}
	d.Kubernetes.PodSecurityGroups = false
	if guide := string(Readme(d, files)); strings.Contains(guide, "AmazonEKSVPCResourceController") {
		t.Errorf("without pod security groups the guide still asks for AmazonEKSVPCResourceController:\n%s", guide)
	}
}

// TestClusterGuideNamesTheNodeSubnets: the guide said only "on the
// subnets of stack X", which holds public, app and data subnets, and the
// NACLs admit the nodes' traffic (the kubelet, the control plane's
// interfaces, the pods' calls) only in the tier the design put the pods
// in. The base stack outputs those subnets and the guide points at the
// output.
func TestClusterGuideNamesTheNodeSubnets(t *testing.T) {
	d, files, byName := buildExample(t, "eks-storefront")
	base := byName["storefront-us-east-1"]
	want := d.NodeSubnets("vpc-storefront")
	if len(want) < 2 {
		t.Fatalf("the pods are in subnets %v; want one in each of at least two AZs (EKS asks for two)", want)
	}
	for _, sn := range want {
		if _, s := d.Subnet(sn); s == nil || s.Tier != "app" {
			t.Errorf("node subnet %s is not an app subnet", sn)
		}
	}
	o, ok := base.Template.Outputs["VpcStorefrontNodeSubnetIds"]
	if !ok {
		t.Fatalf("the base stack does not output the node subnets; outputs %v", sortedKeys(base.Template.Outputs))
	}
	join, _ := o.Value.(map[string]any)["Fn::Join"].([]any)
	if len(join) != 2 || fmt.Sprint(join[1]) != fmt.Sprint(refs(want)) {
		t.Errorf("output VpcStorefrontNodeSubnetIds is %v; want the join of %v", o.Value, want)
	}
	if guide := string(Readme(d, files)); !strings.Contains(guide, "subnets of output VpcStorefrontNodeSubnetIds") {
		t.Errorf("the guide does not point at the node subnets:\n%s", guide)
	}
}

// buildExample exports examples/NAME.yaml as CloudFormation: the design,
// the files in order, and the files by stack name.
func buildExample(t *testing.T, name string) (*design.Design, []File, map[string]File) {
	t.Helper()
	d := plantest.File(t, "../../../examples/"+name+".yaml")
	files, _, err := Build(d)
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]File{}
	for _, f := range files {
		byName[f.Name] = f
	}
	return d, files, byName
}
