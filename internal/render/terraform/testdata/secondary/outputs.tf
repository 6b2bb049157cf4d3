output "vpc_big_id" {
  description = "VPC big"
  value       = aws_vpc.vpc_big.id
}

output "alb_big_public_dns_name" {
  description = "DNS name of big-public"
  value       = aws_lb.alb_big_public.dns_name
}

output "ns_big_id" {
  description = "Cloud Map namespace big.local"
  value       = aws_service_discovery_private_dns_namespace.ns_big.id
}
