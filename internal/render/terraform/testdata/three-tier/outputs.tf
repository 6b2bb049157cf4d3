output "vpc_webapp_id" {
  description = "VPC webapp"
  value       = aws_vpc.vpc_webapp.id
}

output "alb_webapp_public_dns_name" {
  description = "DNS name of webapp-public"
  value       = aws_lb.alb_webapp_public.dns_name
}

output "alb_webapp_internal_dns_name" {
  description = "DNS name of webapp-internal-alb"
  value       = aws_lb.alb_webapp_internal.dns_name
}

output "ns_webapp_id" {
  description = "Cloud Map namespace webapp.local"
  value       = aws_service_discovery_private_dns_namespace.ns_webapp.id
}
