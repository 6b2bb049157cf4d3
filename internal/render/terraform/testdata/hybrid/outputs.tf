output "vpc_orders_id" {
  description = "VPC orders"
  value       = aws_vpc.vpc_orders.id
}

output "alb_orders_public_dns_name" {
  description = "DNS name of orders-public"
  value       = aws_lb.alb_orders_public.dns_name
}

output "alb_orders_internal_dns_name" {
  description = "DNS name of orders-internal-alb"
  value       = aws_lb.alb_orders_internal.dns_name
}

output "ns_orders_id" {
  description = "Cloud Map namespace orders.local"
  value       = aws_service_discovery_private_dns_namespace.ns_orders.id
}
