output "vpc_kube_id" {
  description = "VPC kube"
  value       = aws_vpc.vpc_kube.id
}

output "alb_kube_public_dns_name" {
  description = "DNS name of kube-public"
  value       = aws_lb.alb_kube_public.dns_name
}

output "sg_kube_nodes_id" {
  description = "EKS nodes of kube: image pulls, logs and AWS calls of the host agents: give it to the instances or node group"
  value       = aws_security_group.sg_kube_nodes.id
}

output "ns_kube_id" {
  description = "Cloud Map namespace kube.local"
  value       = aws_service_discovery_private_dns_namespace.ns_kube.id
}
