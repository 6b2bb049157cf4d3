package cloudformation

import (
	"fmt"

	"github.com/netwright/netwright/internal/design"
)

// ClusterStackName is the name of a Region's cluster stack: what needs the
// EKS cluster, which is made on the base stack's subnets after that stack.
func ClusterStackName(d *design.Design, region string) string {
	return d.App + "-" + region + "-cluster"
}

// clusterTemplate is the Region's cluster stack of an EKS design: each
// pod role's EKS Pod Identity association with its service account. An
// association names its cluster (CreatePodIdentityAssociation takes the
// cluster's name in its path and fails with ResourceNotFoundException
// for a cluster that does not exist), and the cluster is built on the
// subnets the base stack makes, so the associations cannot be in the
// base stack: this stack is deployed once the cluster exists, taking the
// roles' ARNs from the base stack's outputs. It returns nil when no pod
// runs in the Region.
func clusterTemplate(d *design.Design, region string, notes *[]string) (*File, error) {
	b := &builder{d: d, region: region, notes: notes}
	b.newTemplate(fmt.Sprintf("netwright design of %s (%s) in %s: the pods' EKS Pod Identity associations (after the base stack and the EKS cluster)", d.App, d.Environment, region))
	base := StackName(d, design.Stage{Kind: design.StageBase, Region: region})
	made := false
	for _, id := range d.Identities {
		s := d.Service(id.Service)
		if id.Kind != design.IdentityEKSPod || s == nil || !b.placedHere(s) {
			continue
		}
		rid := logicalID(id.ID)
		b.param(rid+"Arn", "String", fmt.Sprintf("ARN of the IAM role of %s's pods: output %sArn of stack %s", id.Service, rid, base), "")
		b.add(rid+"PodIdentity", "AWS::EKS::PodIdentityAssociation", podIdentityAssociation{ClusterName: ref("EksClusterName"), Namespace: id.Namespace, ServiceAccount: id.ServiceAccount, RoleArn: ref(rid + "Arn")})
		made = true
	}
	if !made {
		return nil, nil
	}
	b.param("EksClusterName", "String", "name of the EKS cluster the pods run in, created on the subnets of stack "+base+" (it needs the eks-pod-identity-agent add-on)", "")
	return &File{Name: ClusterStackName(d, region), Region: region, Template: b.t}, b.err
}
