output "vpc_storefront_id" {
  description = "VPC storefront"
  value       = aws_vpc.vpc_storefront.id
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

output "sg_storefront_web_id" {
  description = "ID of the security group sg-storefront-web: the SecurityGroupPolicy of web gives it to its pods"
  value       = aws_security_group.sg_storefront_web.id
}

output "sg_storefront_web_next_id" {
  description = "ID of the security group sg-storefront-web-next: the SecurityGroupPolicy of web-next gives it to its pods"
  value       = aws_security_group.sg_storefront_web_next.id
}

output "sg_alb_storefront_public_id" {
  description = "ID of the security group sg-alb-storefront-public: the Ingress of storefront-public gives it to the ALB the AWS Load Balancer Controller makes"
  value       = aws_security_group.sg_alb_storefront_public.id
}

output "subnet_storefront_public_a_id" {
  description = "ID of the subnet subnet-storefront-public-a: the Ingress of storefront-public gives it to the ALB the AWS Load Balancer Controller makes"
  value       = aws_subnet.subnet_storefront_public_a.id
}

output "subnet_storefront_public_b_id" {
  description = "ID of the subnet subnet-storefront-public-b: the Ingress of storefront-public gives it to the ALB the AWS Load Balancer Controller makes"
  value       = aws_subnet.subnet_storefront_public_b.id
}

output "alb_storefront_public_https_certificate_arn" {
  description = "ARN of the certificate of the listener alb-storefront-public-https, the one given to the stack: the Ingress of storefront-public gives it to the ALB the AWS Load Balancer Controller makes"
  value       = var.certificate_arn
}

output "storefront_us_east_1_lb_logs_name" {
  description = "name of the access-log bucket storefront-us-east-1-lb-logs: the Ingresses give it to the ALBs the AWS Load Balancer Controller makes"
  value       = aws_s3_bucket.lb_logs_us_east_1.id
}

output "sg_alb_storefront_internal_id" {
  description = "ID of the security group sg-alb-storefront-internal: the Ingress of storefront-internal-alb gives it to the ALB the AWS Load Balancer Controller makes"
  value       = aws_security_group.sg_alb_storefront_internal.id
}

output "subnet_storefront_app_a_id" {
  description = "ID of the subnet subnet-storefront-app-a: the Ingress of storefront-internal-alb gives it to the ALB the AWS Load Balancer Controller makes"
  value       = aws_subnet.subnet_storefront_app_a.id
}

output "subnet_storefront_app_b_id" {
  description = "ID of the subnet subnet-storefront-app-b: the Ingress of storefront-internal-alb gives it to the ALB the AWS Load Balancer Controller makes"
  value       = aws_subnet.subnet_storefront_app_b.id
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

output "role_web_us_east_1_arn" {
  description = "IAM role of web's pods (EKS Pod Identity) in us-east-1, associated with service account storefront/web by the configuration in cluster/"
  value       = aws_iam_role.role_web_us_east_1.arn
}

output "role_web_next_us_east_1_arn" {
  description = "IAM role of web-next's pods (EKS Pod Identity) in us-east-1, associated with service account storefront/web-next by the configuration in cluster/"
  value       = aws_iam_role.role_web_next_us_east_1.arn
}
