variable "api_image" {
  type        = string
  description = "container image of api: it must listen on tcp 9090 and answer HTTP GET / with 200"
}

variable "certificate_arn" {
  type        = string
  description = "ACM certificate for the public domain (netwright's auto: request it in ACM with DNS validation, then pass its ARN)"
}

variable "stats_image" {
  type        = string
  description = "container image of stats: it must listen on udp 8125 and tcp 8126"
}

variable "web_image" {
  type        = string
  description = "container image of web: it must listen on tcp 8080 and answer HTTP GET / with 200"
}
