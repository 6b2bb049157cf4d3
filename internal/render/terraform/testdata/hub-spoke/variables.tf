variable "certificate_arn" {
  type        = string
  description = "ACM certificate for the public domain (netwright's auto: request it in ACM with DNS validation, then pass its ARN)"
}

variable "firewall_image" {
  type        = string
  description = "container image of firewall: it must listen on udp 6081 and tcp 80"
}

variable "identity_image" {
  type        = string
  description = "container image of identity: it must listen on tcp 8443 and answer HTTP GET / with 200"
}

variable "portal_image" {
  type        = string
  description = "container image of portal: it must listen on tcp 8080 and answer HTTP GET / with 200"
}

variable "reports_image" {
  type        = string
  description = "container image of reports: it must listen on tcp 8080 and answer HTTP GET / with 200"
}

variable "service_connect_private_ca_arn" {
  type        = string
  description = "ARN of the AWS Private CA that issues Service Connect TLS certificates (short-lived mode recommended; it must carry the tag AmazonECSManaged=true)"
}
