variable "certificate_arn" {
  type        = string
  description = "ACM certificate for the public domain in us-east-1 (netwright's auto: request it in ACM with DNS validation, then pass its ARN)"
}

variable "cgw_orders_corp_ip_address" {
  type        = string
  description = "The static public IPv4 address of onprem:corp's VPN device (its outside interface)"
}

variable "inventory_image" {
  type        = string
  description = "container image of inventory: it must listen on tcp 7000 and answer HTTP GET / with 200"
}

variable "orders_image" {
  type        = string
  description = "container image of orders: it must listen on tcp 9000 and answer HTTP GET / with 200"
}

variable "origin_verify_secret" {
  type        = string
  description = "The secret value of the X-Origin-Verify header CloudFront adds and the ALB's rules require: at least 32 random characters (openssl rand -hex 32)"
  sensitive   = true
}

variable "service_connect_private_ca_arn" {
  type        = string
  description = "ARN of the AWS Private CA that issues Service Connect TLS certificates (short-lived mode recommended; it must carry the tag AmazonECSManaged=true)"
}

variable "shop_image" {
  type        = string
  description = "container image of shop: it must listen on tcp 8080 and answer HTTP GET /healthz with 200"
}
