variable "cart_image" {
  type        = string
  description = "container image of cart: it must listen on tcp 8080 and answer gRPC /AWS.ALB/healthcheck with status 12"
}

variable "catalog_image" {
  type        = string
  description = "container image of catalog: it must listen on tcp 8080 and answer HTTP GET / with 200"
}

variable "certificate_arn" {
  type        = string
  description = "ACM certificate for the public domain (netwright's auto: request it in ACM with DNS validation, then pass its ARN)"
}

variable "inventory_image" {
  type        = string
  description = "container image of inventory: it must listen on tcp 7070"
}

variable "mobile_api_image" {
  type        = string
  description = "container image of mobile-api: it must listen on tcp 50051 and answer gRPC /AWS.ALB/healthcheck with status 12"
}

variable "orders_image" {
  type        = string
  description = "container image of orders: it must listen on tcp 8080 and answer gRPC /AWS.ALB/healthcheck with status 12"
}

variable "payments_image" {
  type        = string
  description = "container image of payments: it must listen on tcp 8443 and answer HTTP GET / with 200"
}

variable "service_connect_private_ca_arn" {
  type        = string
  description = "ARN of the AWS Private CA that issues Service Connect TLS certificates (short-lived mode recommended; it must carry the tag AmazonECSManaged=true)"
}

variable "storefront_image" {
  type        = string
  description = "container image of storefront: it must listen on tcp 3000 and answer HTTP GET /healthz with 200"
}

variable "tracking_image" {
  type        = string
  description = "container image of tracking: it must listen on tcp 8081 and answer HTTP GET / with 200"
}
