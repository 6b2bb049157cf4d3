variable "api_image" {
  type        = string
  description = "container image of api"
  default     = "public.ecr.aws/nginx/nginx:stable"
}

variable "api_v2_image" {
  type        = string
  description = "container image of api-v2"
  default     = "public.ecr.aws/nginx/nginx:stable"
}

variable "certificate_arn" {
  type        = string
  description = "ACM certificate for the public domain (netwright's auto: request it in ACM with DNS validation, then pass its ARN)"
}

variable "web_image" {
  type        = string
  description = "container image of web"
  default     = "public.ecr.aws/nginx/nginx:stable"
}
