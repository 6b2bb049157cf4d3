resource "aws_eks_pod_identity_association" "role_api_us_east_1" {
  cluster_name    = var.eks_cluster_name
  namespace       = "storefront"
  service_account = "api"
  role_arn        = var.role_api_us_east_1_arn
}

resource "aws_eks_pod_identity_association" "role_inventory_us_east_1" {
  cluster_name    = var.eks_cluster_name
  namespace       = "storefront"
  service_account = "inventory"
  role_arn        = var.role_inventory_us_east_1_arn
}

resource "aws_eks_pod_identity_association" "role_orders_us_east_1" {
  cluster_name    = var.eks_cluster_name
  namespace       = "storefront"
  service_account = "orders"
  role_arn        = var.role_orders_us_east_1_arn
}

resource "aws_eks_pod_identity_association" "role_orders_v2_us_east_1" {
  cluster_name    = var.eks_cluster_name
  namespace       = "storefront"
  service_account = "orders-v2"
  role_arn        = var.role_orders_v2_us_east_1_arn
}

resource "aws_eks_pod_identity_association" "role_payments_us_east_1" {
  cluster_name    = var.eks_cluster_name
  namespace       = "storefront"
  service_account = "payments"
  role_arn        = var.role_payments_us_east_1_arn
}

resource "aws_eks_pod_identity_association" "role_web_us_east_1" {
  cluster_name    = var.eks_cluster_name
  namespace       = "storefront"
  service_account = "web"
  role_arn        = var.role_web_us_east_1_arn
}

resource "aws_eks_pod_identity_association" "role_web_next_us_east_1" {
  cluster_name    = var.eks_cluster_name
  namespace       = "storefront"
  service_account = "web-next"
  role_arn        = var.role_web_next_us_east_1_arn
}
