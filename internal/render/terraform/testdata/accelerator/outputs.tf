output "vpc_edge_us_east_1_id" {
  description = "VPC edge-us-east-1"
  value       = aws_vpc.vpc_edge_us_east_1.id
}

output "vpc_edge_ap_southeast_2_id" {
  description = "VPC edge-ap-southeast-2"
  value       = aws_vpc.vpc_edge_ap_southeast_2.id
}

output "alb_edge_us_east_1_public_dns_name" {
  description = "DNS name of edge-us-east-1-public"
  value       = aws_lb.alb_edge_us_east_1_public.dns_name
}

output "alb_edge_ap_southeast_2_public_dns_name" {
  description = "DNS name of edge-ap-southeast-2-public"
  value       = aws_lb.alb_edge_ap_southeast_2_public.dns_name
}

output "ga_edge_dns_name" {
  description = "DNS name of the accelerator edge-global"
  value       = aws_globalaccelerator_accelerator.ga_edge.dns_name
}

output "ga_edge_ip_sets" {
  description = "the accelerator's static anycast addresses"
  value       = aws_globalaccelerator_accelerator.ga_edge.ip_sets
}

output "ns_edge_us_east_1_id" {
  description = "Cloud Map namespace edge.local"
  value       = aws_service_discovery_private_dns_namespace.ns_edge_us_east_1.id
}

output "ns_edge_ap_southeast_2_id" {
  description = "Cloud Map namespace edge.local"
  value       = aws_service_discovery_private_dns_namespace.ns_edge_ap_southeast_2.id
}
