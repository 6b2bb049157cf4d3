variable "api_image" {
  type        = string
  description = "container image of api: it must listen on tcp 8080 and answer HTTP GET / with 200"
}

variable "certificate_arn" {
  type        = string
  description = "ACM certificate for the public domain (netwright's auto: request it in ACM with DNS validation, then pass its ARN)"
}

variable "hosted_zone_id" {
  type        = string
  description = "public hosted zone that holds api.pay.example.com"
}

variable "ledger_image" {
  type        = string
  description = "container image of ledger: it must listen on tcp 9090 and answer gRPC /AWS.ALB/healthcheck with status 12"
}

variable "service_connect_private_ca_arn" {
  type        = string
  description = "ARN of the AWS Private CA that issues Service Connect TLS certificates (short-lived mode recommended; it must carry the tag AmazonECSManaged=true)"
}
