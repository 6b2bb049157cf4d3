variable "api_image" {
  type        = string
  description = "container image of api"
  default     = "public.ecr.aws/nginx/nginx:stable"
}

variable "certificate_arn" {
  type        = string
  description = "ACM certificate for the public domain (netwright's auto: request it in ACM with DNS validation, then pass its ARN)"
}

variable "hosted_zone_id" {
  type        = string
  description = "public hosted zone that holds edge.example.com"
}

variable "web_image" {
  type        = string
  description = "container image of web"
  default     = "public.ecr.aws/nginx/nginx:stable"
}
