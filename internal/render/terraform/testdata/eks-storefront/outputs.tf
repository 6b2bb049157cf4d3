output "vpc_storefront_id" {
  description = "VPC storefront"
  value       = aws_vpc.vpc_storefront.id
}

output "alb_storefront_public_dns_name" {
  description = "DNS name of storefront-public"
  value       = aws_lb.alb_storefront_public.dns_name
}

output "sg_storefront_control_plane_id" {
  description = "EKS control plane of storefront: give it to the cluster at creation (resourcesVpcConfig securityGroupIds)"
  value       = aws_security_group.sg_storefront_control_plane.id
}

output "sg_storefront_nodes_id" {
  description = "EKS nodes of storefront: image pulls, logs and AWS calls of the host agents: give it to the instances or node group"
  value       = aws_security_group.sg_storefront_nodes.id
}

output "vpc_storefront_node_subnet_ids" {
  description = "subnets to create the EKS cluster and its node groups on: the pods' tier, whose NACLs admit what the nodes need"
  value       = [aws_subnet.subnet_storefront_app_a.id, aws_subnet.subnet_storefront_app_b.id]
}

output "tg_storefront_api_8080_arn" {
  description = "ARN of the target group tg-storefront-api-8080: the TargetGroupBinding of api registers its pods in it"
  value       = aws_lb_target_group.tg_storefront_api_8080.arn
}

output "sg_storefront_api_id" {
  description = "ID of the security group sg-storefront-api: the SecurityGroupPolicy of api gives it to its pods"
  value       = aws_security_group.sg_storefront_api.id
}

output "sg_storefront_inventory_id" {
  description = "ID of the security group sg-storefront-inventory: the SecurityGroupPolicy of inventory gives it to its pods"
  value       = aws_security_group.sg_storefront_inventory.id
}

output "sg_storefront_orders_id" {
  description = "ID of the security group sg-storefront-orders: the SecurityGroupPolicy of orders gives it to its pods"
  value       = aws_security_group.sg_storefront_orders.id
}

output "sg_storefront_orders_v2_id" {
  description = "ID of the security group sg-storefront-orders-v2: the SecurityGroupPolicy of orders-v2 gives it to its pods"
  value       = aws_security_group.sg_storefront_orders_v2.id
}

output "sg_storefront_payments_id" {
  description = "ID of the security group sg-storefront-payments: the SecurityGroupPolicy of payments gives it to its pods"
  value       = aws_security_group.sg_storefront_payments.id
}

output "role_api_arn" {
  description = "ARN of the role of api's pods: VPC Lattice auth policies name it"
  value       = aws_iam_role.role_api_us_east_1.arn
}

output "role_orders_arn" {
  description = "ARN of the role of orders's pods: VPC Lattice auth policies name it"
  value       = aws_iam_role.role_orders_us_east_1.arn
}

output "role_orders_v2_arn" {
  description = "ARN of the role of orders-v2's pods: VPC Lattice auth policies name it"
  value       = aws_iam_role.role_orders_v2_us_east_1.arn
}

output "role_api_us_east_1_arn" {
  description = "IAM role of api's pods (EKS Pod Identity) in us-east-1, associated with service account storefront/api by the configuration in cluster/"
  value       = aws_iam_role.role_api_us_east_1.arn
}

output "role_inventory_us_east_1_arn" {
  description = "IAM role of inventory's pods (EKS Pod Identity) in us-east-1, associated with service account storefront/inventory by the configuration in cluster/"
  value       = aws_iam_role.role_inventory_us_east_1.arn
}

output "role_orders_us_east_1_arn" {
  description = "IAM role of orders's pods (EKS Pod Identity) in us-east-1, associated with service account storefront/orders by the configuration in cluster/"
  value       = aws_iam_role.role_orders_us_east_1.arn
}

output "role_orders_v2_us_east_1_arn" {
  description = "IAM role of orders-v2's pods (EKS Pod Identity) in us-east-1, associated with service account storefront/orders-v2 by the configuration in cluster/"
  value       = aws_iam_role.role_orders_v2_us_east_1.arn
}

output "role_payments_us_east_1_arn" {
  description = "IAM role of payments's pods (EKS Pod Identity) in us-east-1, associated with service account storefront/payments by the configuration in cluster/"
  value       = aws_iam_role.role_payments_us_east_1.arn
}
