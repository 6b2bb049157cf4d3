output "vpc_lat_id" {
  description = "VPC lat"
  value       = aws_vpc.vpc_lat.id
}

output "alb_lat_public_dns_name" {
  description = "DNS name of lat-public"
  value       = aws_lb.alb_lat_public.dns_name
}

output "ns_lat_id" {
  description = "Cloud Map namespace lat.local"
  value       = aws_service_discovery_private_dns_namespace.ns_lat.id
}
