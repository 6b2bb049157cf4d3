variable "cart_image" {
  type        = string
  description = "container image of cart"
  default     = "public.ecr.aws/nginx/nginx:stable"
}

variable "catalog_image" {
  type        = string
  description = "container image of catalog"
  default     = "public.ecr.aws/nginx/nginx:stable"
}

variable "certificate_arn" {
  type        = string
  description = "ACM certificate for the public domain (netwright's auto: request it in ACM with DNS validation, then pass its ARN)"
}

variable "inventory_image" {
  type        = string
  description = "container image of inventory"
  default     = "public.ecr.aws/nginx/nginx:stable"
}

variable "mobile_api_image" {
  type        = string
  description = "container image of mobile-api"
  default     = "public.ecr.aws/nginx/nginx:stable"
}

variable "orders_image" {
  type        = string
  description = "container image of orders"
  default     = "public.ecr.aws/nginx/nginx:stable"
}

variable "payments_image" {
  type        = string
  description = "container image of payments"
  default     = "public.ecr.aws/nginx/nginx:stable"
}

variable "storefront_image" {
  type        = string
  description = "container image of storefront"
  default     = "public.ecr.aws/nginx/nginx:stable"
}

variable "tracking_image" {
  type        = string
  description = "container image of tracking"
  default     = "public.ecr.aws/nginx/nginx:stable"
}
