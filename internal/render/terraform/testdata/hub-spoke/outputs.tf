output "vpc_portal_hub_id" {
  description = "VPC portal-hub"
  value       = aws_vpc.vpc_portal_hub.id
}

output "vpc_portal_id" {
  description = "VPC portal"
  value       = aws_vpc.vpc_portal.id
}

output "vpc_portal_shared_id" {
  description = "VPC portal-shared"
  value       = aws_vpc.vpc_portal_shared.id
}

output "alb_portal_public_dns_name" {
  description = "DNS name of portal-public"
  value       = aws_lb.alb_portal_public.dns_name
}

output "ns_portal_id" {
  description = "Cloud Map namespace portal.local"
  value       = aws_service_discovery_private_dns_namespace.ns_portal.id
}
