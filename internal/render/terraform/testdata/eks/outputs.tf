output "vpc_kube_id" {
  description = "VPC kube"
  value       = aws_vpc.vpc_kube.id
}

output "alb_kube_public_dns_name" {
  description = "DNS name of kube-public"
  value       = aws_lb.alb_kube_public.dns_name
}

output "sg_kube_control_plane_id" {
  description = "EKS control plane of kube: give it to the cluster at creation (resourcesVpcConfig securityGroupIds)"
  value       = aws_security_group.sg_kube_control_plane.id
}

output "sg_kube_nodes_id" {
  description = "EKS nodes of kube: image pulls, logs and AWS calls of the host agents: give it to the instances or node group"
  value       = aws_security_group.sg_kube_nodes.id
}

output "vpc_kube_node_subnet_ids" {
  description = "subnets to create the EKS cluster and its node groups on: the pods' tier, whose NACLs admit what the nodes need"
  value       = [aws_subnet.subnet_kube_app_a.id, aws_subnet.subnet_kube_app_b.id, aws_subnet.subnet_kube_app_c.id]
}

output "sg_kube_api_id" {
  description = "ID of the security group sg-kube-api: the SecurityGroupPolicy of api gives it to its pods"
  value       = aws_security_group.sg_kube_api.id
}

output "tg_kube_web_8080_arn" {
  description = "ARN of the target group tg-kube-web-8080: the TargetGroupBinding of web registers its pods in it"
  value       = aws_lb_target_group.tg_kube_web_8080.arn
}

output "sg_kube_web_id" {
  description = "ID of the security group sg-kube-web: the SecurityGroupPolicy of web gives it to its pods"
  value       = aws_security_group.sg_kube_web.id
}

output "role_web_arn" {
  description = "ARN of the role of web's pods: VPC Lattice auth policies name it"
  value       = aws_iam_role.role_web_us_east_1.arn
}

output "role_api_us_east_1_arn" {
  description = "IAM role of api's pods (EKS Pod Identity) in us-east-1, associated with service account kube/api by the configuration in cluster/"
  value       = aws_iam_role.role_api_us_east_1.arn
}

output "role_web_us_east_1_arn" {
  description = "IAM role of web's pods (EKS Pod Identity) in us-east-1, associated with service account kube/web by the configuration in cluster/"
  value       = aws_iam_role.role_web_us_east_1.arn
}
