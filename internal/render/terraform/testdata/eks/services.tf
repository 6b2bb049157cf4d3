resource "aws_iam_role" "role_api_us_east_1" {
  name_prefix        = "kube-api-"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "pods.eks.amazonaws.com" }, Action = ["sts:AssumeRole", "sts:TagSession"] }] })
}

resource "aws_eks_pod_identity_association" "role_api_us_east_1" {
  cluster_name    = var.eks_cluster_name
  namespace       = "kube"
  service_account = "api"
  role_arn        = aws_iam_role.role_api_us_east_1.arn
}

resource "aws_iam_role" "role_web_us_east_1" {
  name_prefix        = "kube-web-"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "pods.eks.amazonaws.com" }, Action = ["sts:AssumeRole", "sts:TagSession"] }] })
}

resource "aws_iam_role_policy" "role_web_us_east_1_0" {
  role   = aws_iam_role.role_web_us_east_1.id
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = ["vpc-lattice-svcs:Invoke"], Resource = ["${aws_vpclattice_service.lattice_svc_api_us_east_1.arn}/*"] }] })
}

resource "aws_eks_pod_identity_association" "role_web_us_east_1" {
  cluster_name    = var.eks_cluster_name
  namespace       = "kube"
  service_account = "web"
  role_arn        = aws_iam_role.role_web_us_east_1.arn
}

resource "aws_vpclattice_service_network" "lattice_kube_mesh_us_east_1" {
  name      = "kube-mesh"
  auth_type = "AWS_IAM"
}

resource "aws_vpclattice_service_network_vpc_association" "lattice_kube_mesh_us_east_1_vpc_kube" {
  service_network_identifier = aws_vpclattice_service_network.lattice_kube_mesh_us_east_1.id
  vpc_identifier             = aws_vpc.vpc_kube.id
}

resource "aws_vpclattice_target_group" "lattice_tg_api_us_east_1" {
  name = "kube-api"
  type = "IP"
  config {
    port             = 9090
    vpc_identifier   = aws_vpc.vpc_kube.id
    protocol         = "HTTP"
    protocol_version = "GRPC"
    health_check {
      enabled                       = true
      protocol                      = "HTTP"
      protocol_version              = "HTTP2"
      path                          = "/AWS.ALB/healthcheck"
      health_check_interval_seconds = 30
      health_check_timeout_seconds  = 5
      healthy_threshold_count       = 5
      unhealthy_threshold_count     = 2
      matcher {
        value = "200-499"
      }
    }
  }
}

resource "aws_vpclattice_auth_policy" "lattice_kube_mesh_us_east_1" {
  resource_identifier = aws_vpclattice_service_network.lattice_kube_mesh_us_east_1.arn
  policy              = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { AWS = "arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root" }, Action = "vpc-lattice-svcs:Invoke", Resource = "*" }] })
}
data "aws_caller_identity" "current" {
}

data "aws_partition" "current" {
}


resource "aws_vpclattice_service" "lattice_svc_api_us_east_1" {
  name      = "kube-api"
  auth_type = "AWS_IAM"
}

resource "aws_vpclattice_service_network_service_association" "lattice_svc_api_us_east_1" {
  service_network_identifier = aws_vpclattice_service_network.lattice_kube_mesh_us_east_1.id
  service_identifier         = aws_vpclattice_service.lattice_svc_api_us_east_1.id
}

resource "aws_vpclattice_listener" "lattice_svc_api_us_east_1" {
  name               = "listener"
  protocol           = "HTTPS"
  port               = 443
  service_identifier = aws_vpclattice_service.lattice_svc_api_us_east_1.id
  default_action {
    forward {
      target_groups {
        target_group_identifier = aws_vpclattice_target_group.lattice_tg_api_us_east_1.id
        weight                  = 100
      }
    }
  }
}

resource "aws_vpclattice_auth_policy" "lattice_svc_api_us_east_1" {
  resource_identifier = aws_vpclattice_service.lattice_svc_api_us_east_1.arn
  policy              = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { AWS = [aws_iam_role.role_web_us_east_1.arn] }, Action = "vpc-lattice-svcs:Invoke", Resource = "*" }] })
}
