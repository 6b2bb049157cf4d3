variable "api_image" {
  type        = string
  description = "container image of api: it must listen on tcp 9090 and answer gRPC /AWS.ALB/healthcheck with status 12"
}

variable "api_v2_image" {
  type        = string
  description = "container image of api-v2: it must listen on tcp 9090 and answer gRPC /AWS.ALB/healthcheck with status 12"
}

variable "certificate_arn" {
  type        = string
  description = "ACM certificate for the public domain (netwright's auto: request it in ACM with DNS validation, then pass its ARN)"
}

variable "web_image" {
  type        = string
  description = "container image of web: it must listen on tcp 8080 and answer HTTP GET / with 200"
}
