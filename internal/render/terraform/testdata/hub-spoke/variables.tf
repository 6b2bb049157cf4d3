variable "certificate_arn" {
  type        = string
  description = "ACM certificate for the public domain (netwright's auto: request it in ACM with DNS validation, then pass its ARN)"
}

variable "firewall_image" {
  type        = string
  description = "container image of firewall"
  default     = "public.ecr.aws/nginx/nginx:stable"
}

variable "identity_image" {
  type        = string
  description = "container image of identity"
  default     = "public.ecr.aws/nginx/nginx:stable"
}

variable "portal_image" {
  type        = string
  description = "container image of portal"
  default     = "public.ecr.aws/nginx/nginx:stable"
}

variable "reports_image" {
  type        = string
  description = "container image of reports"
  default     = "public.ecr.aws/nginx/nginx:stable"
}
