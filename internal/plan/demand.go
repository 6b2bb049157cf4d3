package plan

import (
	"fmt"

	"github.com/netwright/netwright/internal/awsfacts"
	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/spec"
)

// headroomPercent is the growth allowance added on top of peak demand when
// sizing a subnet: room for a few more services or a higher autoscaling
// ceiling without renumbering.
const headroomPercent = 25

// eksPodsPerNode is how many application pods netwright plans per EKS node:
// each has a security group of its own and so a branch ENI, and an
// m5.large holds 9 (within its VPC CNI maxPods, 29, less the two
// host-network daemon sets).
const eksPodsPerNode = min(awsfacts.EKSBranchENIsM5Large, awsfacts.EKSMaxPodsM5Large-2)

// eksDensePodsPerNode is how many application pods an m5.large holds when
// they share the node's ENIs (network.pod_security_groups false): its VPC
// CNI maxPods, 29, less the two host-network daemon sets.
const eksDensePodsPerNode = awsfacts.EKSMaxPodsM5Large - 2

// eksPrefixSize is the block the VPC CNI hands a node per prefix when
// prefix delegation is on: an aligned /28.
const eksPrefixSize = 16

// ceilDiv returns a/b rounded up, for non-negative a and positive b.
func ceilDiv(a, b int) int { return (a + b - 1) / b }

// deployMaxPercent is the most tasks or pods of a service running during a
// rolling deploy, in percent of the desired count: ECS's maximumPercent
// (200) on Fargate and EC2, a Kubernetes Deployment's 100% plus its
// maxSurge (25%) on EKS.
func deployMaxPercent(compute string) int {
	if compute == spec.ComputeEKS {
		return 100 + awsfacts.KubernetesMaxSurgePercent
	}
	return awsfacts.DeploySurgePercent
}

// tasksPerAZ is how many tasks of a service one AZ may hold at once: the
// autoscaling ceiling during a rolling deploy, spread over the AZs and
// rounded up because ECS balances but cannot split a task. Data stores are
// doubled for replacement during maintenance.
func tasksPerAZ(svc *spec.Service, azs int, compute string) int {
	surge := deployMaxPercent(compute)
	if svc.IsDataStore() {
		surge = awsfacts.DeploySurgePercent
	}
	return ceilDiv(svc.MaxReplicas*surge/100, azs)
}

// serviceDemand is what one service needs in one AZ's subnet.
func serviceDemand(svc *spec.Service, azs int, compute string) design.Demand {
	n := tasksPerAZ(svc, azs, compute)
	switch {
	case svc.IsDataStore():
		return design.Demand{
			What: fmt.Sprintf("%s (%s): %d nodes at max_replicas %d, doubled for replacement during maintenance, over %d AZs", svc.Name, svc.Kind, n, svc.MaxReplicas, azs),
			IPs:  n,
		}
	case compute == spec.ComputeEKS:
		return design.Demand{
			What: fmt.Sprintf("%s: %d pods at max_replicas %d with the rolling update's %d%% surge over %d AZs", svc.Name, n, svc.MaxReplicas, awsfacts.KubernetesMaxSurgePercent, azs),
			IPs:  n,
		}
	default:
		return design.Demand{
			What: fmt.Sprintf("%s: %d tasks at max_replicas %d with 200%% deploy surge over %d AZs", svc.Name, n, svc.MaxReplicas, azs),
			IPs:  n,
		}
	}
}

// computeOverhead is what the compute model adds to a subnet that holds
// the given number of task or pod addresses: EC2 container instances for
// ecs_ec2 (each with its primary and its trunk ENI's address), and for EKS
// the nodes' own addresses. Every service has a security group of its
// own, so EKS pods carry it through Security Groups for Pods: each pod
// takes a branch ENI (its address counted with the pods), an m5.large holds
// 9 of them, and the node keeps its primary ENI's addresses (the VPC CNI's
// warm pool, or one warm /28 with prefix delegation) and its trunk ENI's.
//
// Without Security Groups for Pods the pods take addresses of the node's
// own ENIs (counted with the pods), 27 to an m5.large, and the node adds
// its primary address and the VPC CNI's warm pool: one spare ENI of 10
// (WARM_ENI_TARGET=1), or one warm /28 with prefix delegation; there is no
// trunk ENI.
func computeOverhead(compute string, prefixDelegation, podSecurityGroups bool, tasks int) (design.Demand, bool) {
	if tasks == 0 {
		return design.Demand{}, false
	}
	switch compute {
	case spec.ComputeECSEC2:
		instances := ceilDiv(tasks, awsfacts.ECSTrunkedTasksPerInstanceM5L)
		return design.Demand{
			What: fmt.Sprintf("ECS container instances: %d (m5.large with awsvpc trunking, %d tasks each), their primary and trunk ENIs' addresses", instances, awsfacts.ECSTrunkedTasksPerInstanceM5L),
			IPs:  instances * awsfacts.ECSTrunkedInstanceIPs,
		}, true
	case spec.ComputeEKS:
		if !podSecurityGroups {
			nodes := ceilDiv(tasks, eksDensePodsPerNode)
			perNode, how := 1+awsfacts.EKSIPv4PerENIM5Large, "VPC CNI with WARM_ENI_TARGET=1"
			if prefixDelegation {
				perNode, how = 1+eksPrefixSize, "VPC CNI prefix delegation with WARM_PREFIX_TARGET=1"
			}
			return design.Demand{
				What: fmt.Sprintf("EKS nodes: %d (m5.large, %d pods each sharing the node's ENIs; %s): the node's address and the warm pool", nodes, eksDensePodsPerNode, how),
				IPs:  nodes * perNode,
			}, true
		}
		nodes := ceilDiv(tasks, eksPodsPerNode)
		// The primary ENI: its own address and the warm pool the VPC CNI
		// keeps (WARM_ENI_TARGET=1: the ENI's other 9 addresses), or with
		// prefix delegation one warm /28 (WARM_PREFIX_TARGET=1); and the
		// trunk ENI that carries the branch ENIs.
		perNode := awsfacts.EKSIPv4PerENIM5Large + 1
		how := "m5.large, Security Groups for Pods (branch ENIs), VPC CNI with WARM_ENI_TARGET=1"
		if prefixDelegation {
			perNode = 1 + eksPrefixSize + 1
			how = "m5.large, Security Groups for Pods (branch ENIs), VPC CNI prefix delegation with WARM_PREFIX_TARGET=1"
		}
		return design.Demand{
			What: fmt.Sprintf("EKS nodes: %d (%d pods with their own security groups each; %s): the primary ENI's addresses and the trunk ENI's", nodes, eksPodsPerNode, how),
			IPs:  nodes * perNode,
		}, true
	}
	return design.Demand{}, false
}

// sizeSubnet returns the prefix length for a subnet with the given demand
// (headroom included) and the longest prefix its contents allow.
func sizeSubnet(demandIPs, maxBits int) int {
	bits := 32
	for bits > awsfacts.MinSubnetPrefix && (1<<(32-bits))-awsfacts.ReservedIPsPerSubnet < demandIPs {
		bits--
	}
	return min(bits, maxBits, awsfacts.MaxSubnetPrefix)
}

// headroom returns the peak of a demand list and the growth allowance to
// size in on top of it.
func headroom(items []design.Demand) (peak, extra int) {
	for _, it := range items {
		peak += it.IPs
	}
	return peak, ceilDiv(peak*headroomPercent, 100)
}
