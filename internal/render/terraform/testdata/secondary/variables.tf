variable "certificate_arn" {
  type        = string
  description = "ACM certificate for the public domain (netwright's auto: request it in ACM with DNS validation, then pass its ARN)"
}

variable "w0_image" {
  type        = string
  description = "container image of w0"
  default     = "public.ecr.aws/nginx/nginx:stable"
}

variable "w1_image" {
  type        = string
  description = "container image of w1"
  default     = "public.ecr.aws/nginx/nginx:stable"
}

variable "w2_image" {
  type        = string
  description = "container image of w2"
  default     = "public.ecr.aws/nginx/nginx:stable"
}

variable "w3_image" {
  type        = string
  description = "container image of w3"
  default     = "public.ecr.aws/nginx/nginx:stable"
}

variable "w4_image" {
  type        = string
  description = "container image of w4"
  default     = "public.ecr.aws/nginx/nginx:stable"
}

variable "w5_image" {
  type        = string
  description = "container image of w5"
  default     = "public.ecr.aws/nginx/nginx:stable"
}

variable "web_image" {
  type        = string
  description = "container image of web"
  default     = "public.ecr.aws/nginx/nginx:stable"
}
