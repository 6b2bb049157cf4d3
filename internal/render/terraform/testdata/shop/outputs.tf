output "vpc_shop_id" {
  description = "VPC shop"
  value       = aws_vpc.vpc_shop.id
}

output "alb_shop_public_dns_name" {
  description = "DNS name of shop-public"
  value       = aws_lb.alb_shop_public.dns_name
}

output "ns_shop_id" {
  description = "Cloud Map namespace shop.internal"
  value       = aws_service_discovery_private_dns_namespace.ns_shop.id
}
