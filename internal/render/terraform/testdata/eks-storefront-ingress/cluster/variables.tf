variable "eks_cluster_name" {
  type        = string
  description = "name of the EKS cluster the pods run in, in us-east-1, created on the subnets of the base configuration (it needs the eks-pod-identity-agent add-on)"
}

variable "role_api_us_east_1_arn" {
  type        = string
  description = "ARN of the IAM role of api's pods in us-east-1: output role_api_us_east_1_arn of the base configuration"
}

variable "role_inventory_us_east_1_arn" {
  type        = string
  description = "ARN of the IAM role of inventory's pods in us-east-1: output role_inventory_us_east_1_arn of the base configuration"
}

variable "role_orders_us_east_1_arn" {
  type        = string
  description = "ARN of the IAM role of orders's pods in us-east-1: output role_orders_us_east_1_arn of the base configuration"
}

variable "role_orders_v2_us_east_1_arn" {
  type        = string
  description = "ARN of the IAM role of orders-v2's pods in us-east-1: output role_orders_v2_us_east_1_arn of the base configuration"
}

variable "role_payments_us_east_1_arn" {
  type        = string
  description = "ARN of the IAM role of payments's pods in us-east-1: output role_payments_us_east_1_arn of the base configuration"
}

variable "role_web_next_us_east_1_arn" {
  type        = string
  description = "ARN of the IAM role of web-next's pods in us-east-1: output role_web_next_us_east_1_arn of the base configuration"
}

variable "role_web_us_east_1_arn" {
  type        = string
  description = "ARN of the IAM role of web's pods in us-east-1: output role_web_us_east_1_arn of the base configuration"
}
