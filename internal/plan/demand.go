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
// an m5.large's VPC CNI maxPods (29) less the two host-network daemon sets
// (aws-node and kube-proxy) that count against it.
const eksPodsPerNode = awsfacts.EKSMaxPodsM5Large - 2

// eksPrefixSize is the block the VPC CNI hands a node per prefix when
// prefix delegation is on: an aligned /28.
const eksPrefixSize = 16

// ceilDiv returns a/b rounded up, for non-negative a and positive b.
func ceilDiv(a, b int) int { return (a + b - 1) / b }

// tasksPerAZ is how many tasks of a service one AZ may hold at once: the
// autoscaling ceiling during a rolling deploy (maximumPercent 200%), spread
// over the AZs and rounded up because ECS balances but cannot split a task.
func tasksPerAZ(svc *spec.Service, azs int) int {
	return ceilDiv(svc.MaxReplicas*awsfacts.DeploySurgePercent/100, azs)
}

// serviceDemand is what one service needs in one AZ's subnet.
func serviceDemand(svc *spec.Service, azs int) design.Demand {
	n := tasksPerAZ(svc, azs)
	switch {
	case svc.IsDataStore():
		return design.Demand{
			What: fmt.Sprintf("%s (%s): %d nodes at max_replicas %d, doubled for replacement during maintenance, over %d AZs", svc.Name, svc.Kind, n, svc.MaxReplicas, azs),
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
// ecs_ec2, and for EKS the nodes' own addresses plus the VPC CNI's warm
// pool, which the pods' addresses come out of.
func computeOverhead(compute string, prefixDelegation bool, tasks int) (design.Demand, bool) {
	if tasks == 0 {
		return design.Demand{}, false
	}
	switch compute {
	case spec.ComputeECSEC2:
		instances := ceilDiv(tasks, awsfacts.ECSTrunkedTasksPerInstanceM5L)
		return design.Demand{
			What: fmt.Sprintf("ECS container instances: %d (m5.large with awsvpc trunking, %d tasks each), one primary IP each", instances, awsfacts.ECSTrunkedTasksPerInstanceM5L),
			IPs:  instances,
		}, true
	case spec.ComputeEKS:
		nodes := ceilDiv(tasks, eksPodsPerNode)
		total := 0
		for i := range nodes {
			pods := min(eksPodsPerNode, tasks-i*eksPodsPerNode)
			if prefixDelegation {
				// The node's primary IP, the prefixes its pods fill and
				// one warm prefix (WARM_PREFIX_TARGET=1).
				total += 1 + (ceilDiv(pods, eksPrefixSize)+1)*eksPrefixSize
				continue
			}
			// Each ENI gives 9 pod addresses and keeps 1 primary; the CNI
			// holds one more ENI warm (WARM_ENI_TARGET=1), up to the
			// instance's 3 ENIs. The first ENI's primary is the node IP.
			enis := min(awsfacts.EKSENIsM5Large, ceilDiv(pods, awsfacts.EKSIPv4PerENIM5Large-1)+1)
			total += enis * awsfacts.EKSIPv4PerENIM5Large
		}
		how := "m5.large, VPC CNI with WARM_ENI_TARGET=1: whole ENIs of 10 addresses"
		if prefixDelegation {
			how = "m5.large, VPC CNI prefix delegation with WARM_PREFIX_TARGET=1: aligned /28 prefixes"
		}
		return design.Demand{
			What: fmt.Sprintf("EKS nodes: %d (%d pods each; %s), less the pods counted above", nodes, eksPodsPerNode, how),
			IPs:  total - tasks,
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
