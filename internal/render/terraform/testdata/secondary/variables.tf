variable "certificate_arn" {
  type        = string
  description = "ACM certificate for the public domain (netwright's auto: request it in ACM with DNS validation, then pass its ARN)"
}

variable "service_connect_private_ca_arn" {
  type        = string
  description = "ARN of the AWS Private CA that issues Service Connect TLS certificates (short-lived mode recommended; it must carry the tag AmazonECSManaged=true)"
}

variable "w0_image" {
  type        = string
  description = "container image of w0: it must listen on tcp 9000 and answer HTTP GET / with 200"
}

variable "w1_image" {
  type        = string
  description = "container image of w1: it must listen on tcp 9001 and answer HTTP GET / with 200"
}

variable "w2_image" {
  type        = string
  description = "container image of w2: it must listen on tcp 9002 and answer HTTP GET / with 200"
}

variable "w3_image" {
  type        = string
  description = "container image of w3: it must listen on tcp 9003 and answer HTTP GET / with 200"
}

variable "w4_image" {
  type        = string
  description = "container image of w4: it must listen on tcp 9004 and answer HTTP GET / with 200"
}

variable "w5_image" {
  type        = string
  description = "container image of w5: it must listen on tcp 9005 and answer HTTP GET / with 200"
}

variable "web_image" {
  type        = string
  description = "container image of web: it must listen on tcp 8080 and answer HTTP GET / with 200"
}
