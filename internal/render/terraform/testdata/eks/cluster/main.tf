resource "aws_eks_pod_identity_association" "role_api_us_east_1" {
  cluster_name    = var.eks_cluster_name
  namespace       = "kube"
  service_account = "api"
  role_arn        = var.role_api_us_east_1_arn
}

resource "aws_eks_pod_identity_association" "role_web_us_east_1" {
  cluster_name    = var.eks_cluster_name
  namespace       = "kube"
  service_account = "web"
  role_arn        = var.role_web_us_east_1_arn
}
