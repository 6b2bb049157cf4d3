output "vpc_dns_id" {
  description = "VPC dns"
  value       = aws_vpc.vpc_dns.id
}

output "alb_dns_public_dns_name" {
  description = "DNS name of dns-public"
  value       = aws_lb.alb_dns_public.dns_name
}

output "nlb_dns_public_dns_name" {
  description = "DNS name of dns-nlb"
  value       = aws_lb.nlb_dns_public.dns_name
}

output "ns_dns_id" {
  description = "Cloud Map namespace dns.local"
  value       = aws_service_discovery_private_dns_namespace.ns_dns.id
}
