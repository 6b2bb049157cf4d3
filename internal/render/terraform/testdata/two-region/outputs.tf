output "vpc_pay_us_east_1_id" {
  description = "VPC pay-us-east-1"
  value       = aws_vpc.vpc_pay_us_east_1.id
}

output "vpc_pay_eu_west_1_id" {
  description = "VPC pay-eu-west-1"
  value       = aws_vpc.vpc_pay_eu_west_1.id
}

output "alb_pay_us_east_1_public_dns_name" {
  description = "DNS name of pay-us-east-1-public"
  value       = aws_lb.alb_pay_us_east_1_public.dns_name
}

output "alb_pay_eu_west_1_public_dns_name" {
  description = "DNS name of pay-eu-west-1-public"
  value       = aws_lb.alb_pay_eu_west_1_public.dns_name
}

output "ns_pay_us_east_1_id" {
  description = "Cloud Map namespace pay.local"
  value       = aws_service_discovery_private_dns_namespace.ns_pay_us_east_1.id
}

output "ns_pay_eu_west_1_id" {
  description = "Cloud Map namespace pay.local"
  value       = aws_service_discovery_private_dns_namespace.ns_pay_eu_west_1.id
}
