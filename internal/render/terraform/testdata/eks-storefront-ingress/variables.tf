variable "certificate_arn" {
  type        = string
  description = "ACM certificate for the public domain (netwright's auto: request it in ACM with DNS validation, then pass its ARN)"
}

variable "eks_cluster_name" {
  type        = string
  description = "name of the EKS cluster the pods run in (its nodes need the eks-pod-identity-agent add-on)"
}
