package awsimport

import "strings"

// Commands returns a POSIX shell script of AWS CLI commands that collects
// exactly what Import reads, from the account and Region the AWS CLI is
// set up for, in the form Import reads it: one file per call; the calls
// made once per parent concatenated (their answers name the parent) or
// wrapped with it (`{"TargetGroupArn": ..., "TargetHealthDescriptions":
// [...]}`). Every call is a describe, list, get or search: read-only.
func Commands() string {
	return strings.TrimLeft(commandsScript, "\n")
}

const commandsScript = `
#!/bin/sh
# Collects what 'netwright import' reads: the network of the account and
# Region the AWS CLI is set up for (AWS_PROFILE, AWS_REGION). Read-only:
# every call describes, lists, gets or searches.
#   sh collect.sh [DIR]          then: netwright import DIR -o design.json
# Run it once per account and Region into the same DIR; import reads every
# .json file below DIR, in any folders.
set -eu
out=${1:-aws-network}
account=$(aws sts get-caller-identity --query Account --output text)
region=${AWS_REGION:-${AWS_DEFAULT_REGION:-$(aws configure get region)}}
dir="$out/$account/$region"
mkdir -p "$dir"

ec2() { call=$1; shift; aws ec2 "$call" "$@" --output json > "$dir/ec2-$call.json"; }
ec2 describe-vpcs
ec2 describe-subnets
ec2 describe-route-tables
ec2 describe-security-groups
ec2 describe-network-acls
ec2 describe-network-interfaces
ec2 describe-instances
ec2 describe-nat-gateways
ec2 describe-internet-gateways
ec2 describe-vpc-endpoints
ec2 describe-vpc-peering-connections
ec2 describe-transit-gateways
ec2 describe-transit-gateway-attachments
ec2 describe-transit-gateway-vpc-attachments
ec2 describe-transit-gateway-route-tables
ec2 describe-managed-prefix-lists
ec2 describe-vpn-gateways
ec2 describe-vpn-connections

# Per parent, wrapped with the parent's ID (the answers do not name it).
for rtb in $(aws ec2 describe-transit-gateway-route-tables --query 'TransitGatewayRouteTables[].TransitGatewayRouteTableId' --output text); do
  routes=$(aws ec2 search-transit-gateway-routes --transit-gateway-route-table-id "$rtb" \
    --filters Name=state,Values=active,blackhole --query Routes --output json)
  printf '{"TransitGatewayRouteTableId": "%s", "Routes": %s}\n' "$rtb" "$routes" > "$dir/ec2-tgw-routes-$rtb.json"
done
for pl in $(aws ec2 describe-managed-prefix-lists --query 'PrefixLists[].PrefixListId' --output text); do
  entries=$(aws ec2 get-managed-prefix-list-entries --prefix-list-id "$pl" --query Entries --output json)
  printf '{"PrefixListId": "%s", "Entries": %s}\n' "$pl" "$entries" > "$dir/ec2-prefix-list-$pl.json"
done

aws elbv2 describe-load-balancers --output json > "$dir/elbv2-load-balancers.json"
aws elbv2 describe-target-groups --output json > "$dir/elbv2-target-groups.json"
: > "$dir/elbv2-listeners.json"
: > "$dir/elbv2-rules.json"
: > "$dir/elbv2-attributes.json"
for lb in $(aws elbv2 describe-load-balancers --query 'LoadBalancers[].LoadBalancerArn' --output text); do
  # Each listener names its load balancer, each rule's ARN its listener:
  # their answers are concatenated.
  aws elbv2 describe-listeners --load-balancer-arn "$lb" --output json >> "$dir/elbv2-listeners.json"
  for l in $(aws elbv2 describe-listeners --load-balancer-arn "$lb" --query 'Listeners[].ListenerArn' --output text); do
    aws elbv2 describe-rules --listener-arn "$l" --output json >> "$dir/elbv2-rules.json"
  done
  attrs=$(aws elbv2 describe-load-balancer-attributes --load-balancer-arn "$lb" --query Attributes --output json)
  printf '{"LoadBalancerArn": "%s", "Attributes": %s}\n' "$lb" "$attrs" >> "$dir/elbv2-attributes.json"
done
: > "$dir/elbv2-target-health.json"
for tg in $(aws elbv2 describe-target-groups --query 'TargetGroups[].TargetGroupArn' --output text); do
  health=$(aws elbv2 describe-target-health --target-group-arn "$tg" --query TargetHealthDescriptions --output json)
  printf '{"TargetGroupArn": "%s", "TargetHealthDescriptions": %s}\n' "$tg" "$health" >> "$dir/elbv2-target-health.json"
  attrs=$(aws elbv2 describe-target-group-attributes --target-group-arn "$tg" --query Attributes --output json)
  printf '{"TargetGroupArn": "%s", "Attributes": %s}\n' "$tg" "$attrs" >> "$dir/elbv2-attributes.json"
done

# ECS: describe-services takes 10 services a call, describe-tasks 100.
: > "$dir/ecs-services.json"
: > "$dir/ecs-tasks.json"
for cluster in $(aws ecs list-clusters --query clusterArns --output text); do
  aws ecs list-services --cluster "$cluster" --query serviceArns --output text | tr '\t' '\n' | grep . |
    xargs -r -n 10 aws ecs describe-services --cluster "$cluster" --output json --services >> "$dir/ecs-services.json"
  aws ecs list-tasks --cluster "$cluster" --query taskArns --output text | tr '\t' '\n' | grep . |
    xargs -r -n 100 aws ecs describe-tasks --cluster "$cluster" --output json --tasks >> "$dir/ecs-tasks.json"
done

aws servicediscovery list-namespaces --output json > "$dir/servicediscovery-namespaces.json"
: > "$dir/servicediscovery-services.json"
for ns in $(aws servicediscovery list-namespaces --query 'Namespaces[].Id' --output text); do
  services=$(aws servicediscovery list-services --filters Name=NAMESPACE_ID,Values="$ns" --query Services --output json)
  printf '{"NamespaceId": "%s", "Services": %s}\n' "$ns" "$services" >> "$dir/servicediscovery-services.json"
done
echo "collected $dir" >&2
`
