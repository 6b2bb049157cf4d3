variable "app_image" {
  type        = string
  description = "container image of app: it must listen on tcp 9000 and answer HTTP GET /health with 200"
}

variable "certificate_arn" {
  type        = string
  description = "ACM certificate for the public domain (netwright's auto: request it in ACM with DNS validation, then pass its ARN)"
}

variable "web_image" {
  type        = string
  description = "container image of web: it must listen on tcp 8080 and answer HTTP GET /healthz with 200-299"
}
