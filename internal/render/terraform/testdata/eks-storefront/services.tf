resource "aws_service_discovery_private_dns_namespace" "ns_storefront" {
  name = "storefront.local"
  vpc  = aws_vpc.vpc_storefront.id
}

resource "aws_iam_role" "role_api_us_east_1" {
  name_prefix        = "storefront-api-"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "pods.eks.amazonaws.com" }, Action = ["sts:AssumeRole", "sts:TagSession"] }] })
}

resource "aws_iam_role_policy" "role_api_us_east_1_0" {
  role   = aws_iam_role.role_api_us_east_1.id
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = ["vpc-lattice-svcs:Invoke"], Resource = ["${aws_vpclattice_service.lattice_svc_inventory_us_east_1.arn}/*", "${aws_vpclattice_service.lattice_svc_orders_us_east_1.arn}/*"] }] })
}

resource "aws_eks_pod_identity_association" "role_api_us_east_1" {
  cluster_name    = var.eks_cluster_name
  namespace       = "storefront"
  service_account = "api"
  role_arn        = aws_iam_role.role_api_us_east_1.arn
}

resource "aws_iam_role" "role_inventory_us_east_1" {
  name_prefix        = "storefront-inventory-"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "pods.eks.amazonaws.com" }, Action = ["sts:AssumeRole", "sts:TagSession"] }] })
}

resource "aws_eks_pod_identity_association" "role_inventory_us_east_1" {
  cluster_name    = var.eks_cluster_name
  namespace       = "storefront"
  service_account = "inventory"
  role_arn        = aws_iam_role.role_inventory_us_east_1.arn
}

resource "aws_iam_role" "role_orders_us_east_1" {
  name_prefix        = "storefront-orders-"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "pods.eks.amazonaws.com" }, Action = ["sts:AssumeRole", "sts:TagSession"] }] })
}

resource "aws_iam_role_policy" "role_orders_us_east_1_0" {
  role   = aws_iam_role.role_orders_us_east_1.id
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = ["vpc-lattice-svcs:Invoke"], Resource = ["${aws_vpclattice_service.lattice_svc_payments_us_east_1.arn}/*"] }] })
}

resource "aws_eks_pod_identity_association" "role_orders_us_east_1" {
  cluster_name    = var.eks_cluster_name
  namespace       = "storefront"
  service_account = "orders"
  role_arn        = aws_iam_role.role_orders_us_east_1.arn
}

resource "aws_iam_role" "role_orders_v2_us_east_1" {
  name_prefix        = "storefront-orders-v2-"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "pods.eks.amazonaws.com" }, Action = ["sts:AssumeRole", "sts:TagSession"] }] })
}

resource "aws_iam_role_policy" "role_orders_v2_us_east_1_0" {
  role   = aws_iam_role.role_orders_v2_us_east_1.id
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = ["vpc-lattice-svcs:Invoke"], Resource = ["${aws_vpclattice_service.lattice_svc_payments_us_east_1.arn}/*"] }] })
}

resource "aws_eks_pod_identity_association" "role_orders_v2_us_east_1" {
  cluster_name    = var.eks_cluster_name
  namespace       = "storefront"
  service_account = "orders-v2"
  role_arn        = aws_iam_role.role_orders_v2_us_east_1.arn
}

resource "aws_iam_role" "role_payments_us_east_1" {
  name_prefix        = "storefront-payments-"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "pods.eks.amazonaws.com" }, Action = ["sts:AssumeRole", "sts:TagSession"] }] })
}

resource "aws_eks_pod_identity_association" "role_payments_us_east_1" {
  cluster_name    = var.eks_cluster_name
  namespace       = "storefront"
  service_account = "payments"
  role_arn        = aws_iam_role.role_payments_us_east_1.arn
}

resource "aws_vpclattice_service_network" "lattice_storefront_mesh_us_east_1" {
  name      = "storefront-mesh"
  auth_type = "AWS_IAM"
}

resource "aws_vpclattice_service_network_vpc_association" "lattice_storefront_mesh_us_east_1_vpc_storefront" {
  service_network_identifier = aws_vpclattice_service_network.lattice_storefront_mesh_us_east_1.id
  vpc_identifier             = aws_vpc.vpc_storefront.id
}

resource "aws_vpclattice_target_group" "lattice_tg_inventory_us_east_1" {
  name = "storefront-inventory"
  type = "IP"
  config {
    port             = 7000
    vpc_identifier   = aws_vpc.vpc_storefront.id
    protocol         = "HTTP"
    protocol_version = "HTTP1"
    health_check {
      enabled                       = true
      protocol                      = "HTTP"
      protocol_version              = "HTTP1"
      path                          = "/health"
      health_check_interval_seconds = 30
      health_check_timeout_seconds  = 5
      healthy_threshold_count       = 5
      unhealthy_threshold_count     = 2
      matcher {
        value = "200"
      }
    }
  }
}

resource "aws_vpclattice_target_group" "lattice_tg_orders_us_east_1" {
  name = "storefront-orders"
  type = "IP"
  config {
    port             = 9000
    vpc_identifier   = aws_vpc.vpc_storefront.id
    protocol         = "HTTP"
    protocol_version = "HTTP1"
    health_check {
      enabled                       = true
      protocol                      = "HTTP"
      protocol_version              = "HTTP1"
      path                          = "/health"
      health_check_interval_seconds = 30
      health_check_timeout_seconds  = 5
      healthy_threshold_count       = 5
      unhealthy_threshold_count     = 2
      matcher {
        value = "200"
      }
    }
  }
}

resource "aws_vpclattice_target_group" "lattice_tg_orders_v2_us_east_1" {
  name = "storefront-orders-v2"
  type = "IP"
  config {
    port             = 9000
    vpc_identifier   = aws_vpc.vpc_storefront.id
    protocol         = "HTTP"
    protocol_version = "HTTP1"
    health_check {
      enabled                       = true
      protocol                      = "HTTP"
      protocol_version              = "HTTP1"
      path                          = "/health"
      health_check_interval_seconds = 30
      health_check_timeout_seconds  = 5
      healthy_threshold_count       = 5
      unhealthy_threshold_count     = 2
      matcher {
        value = "200"
      }
    }
  }
}

resource "aws_vpclattice_target_group" "lattice_tg_payments_us_east_1" {
  name = "storefront-payments"
  type = "IP"
  config {
    port             = 9443
    vpc_identifier   = aws_vpc.vpc_storefront.id
    protocol         = "HTTP"
    protocol_version = "HTTP2"
    health_check {
      enabled                       = true
      protocol                      = "HTTP"
      protocol_version              = "HTTP2"
      path                          = "/"
      health_check_interval_seconds = 30
      health_check_timeout_seconds  = 5
      healthy_threshold_count       = 5
      unhealthy_threshold_count     = 2
      matcher {
        value = "200"
      }
    }
  }
}

resource "aws_vpclattice_auth_policy" "lattice_storefront_mesh_us_east_1" {
  resource_identifier = aws_vpclattice_service_network.lattice_storefront_mesh_us_east_1.arn
  policy              = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { AWS = "arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root" }, Action = "vpc-lattice-svcs:Invoke", Resource = "*" }] })
}
data "aws_caller_identity" "current" {
}

data "aws_partition" "current" {
}


resource "aws_vpclattice_service" "lattice_svc_inventory_us_east_1" {
  name      = "storefront-inventory"
  auth_type = "AWS_IAM"
}

resource "aws_vpclattice_service_network_service_association" "lattice_svc_inventory_us_east_1" {
  service_network_identifier = aws_vpclattice_service_network.lattice_storefront_mesh_us_east_1.id
  service_identifier         = aws_vpclattice_service.lattice_svc_inventory_us_east_1.id
}

resource "aws_vpclattice_listener" "lattice_svc_inventory_us_east_1" {
  name               = "listener"
  protocol           = "HTTPS"
  port               = 443
  service_identifier = aws_vpclattice_service.lattice_svc_inventory_us_east_1.id
  default_action {
    forward {
      target_groups {
        target_group_identifier = aws_vpclattice_target_group.lattice_tg_inventory_us_east_1.id
        weight                  = 100
      }
    }
  }
}

resource "aws_vpclattice_auth_policy" "lattice_svc_inventory_us_east_1" {
  resource_identifier = aws_vpclattice_service.lattice_svc_inventory_us_east_1.arn
  policy              = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { AWS = [aws_iam_role.role_api_us_east_1.arn] }, Action = "vpc-lattice-svcs:Invoke", Resource = "*" }] })
}

resource "aws_vpclattice_service" "lattice_svc_orders_us_east_1" {
  name      = "storefront-orders"
  auth_type = "AWS_IAM"
}

resource "aws_vpclattice_service_network_service_association" "lattice_svc_orders_us_east_1" {
  service_network_identifier = aws_vpclattice_service_network.lattice_storefront_mesh_us_east_1.id
  service_identifier         = aws_vpclattice_service.lattice_svc_orders_us_east_1.id
}

resource "aws_vpclattice_listener" "lattice_svc_orders_us_east_1" {
  name               = "listener"
  protocol           = "HTTPS"
  port               = 443
  service_identifier = aws_vpclattice_service.lattice_svc_orders_us_east_1.id
  default_action {
    forward {
      target_groups {
        target_group_identifier = aws_vpclattice_target_group.lattice_tg_orders_us_east_1.id
        weight                  = 100
      }
    }
  }
}

resource "aws_vpclattice_listener_rule" "lattice_svc_orders_us_east_1_10" {
  name                = "rule-10"
  listener_identifier = aws_vpclattice_listener.lattice_svc_orders_us_east_1.listener_id
  service_identifier  = aws_vpclattice_service.lattice_svc_orders_us_east_1.id
  priority            = 10
  match {
    http_match {
      header_matches {
        name           = "x-canary"
        case_sensitive = false
        match {
          exact = "true"
        }
      }
    }
  }
  action {
    forward {
      target_groups {
        target_group_identifier = aws_vpclattice_target_group.lattice_tg_orders_v2_us_east_1.id
        weight                  = 100
      }
    }
  }
}

resource "aws_vpclattice_listener_rule" "lattice_svc_orders_us_east_1_20" {
  name                = "rule-20"
  listener_identifier = aws_vpclattice_listener.lattice_svc_orders_us_east_1.listener_id
  service_identifier  = aws_vpclattice_service.lattice_svc_orders_us_east_1.id
  priority            = 20
  match {
    http_match {
      path_match {
        case_sensitive = true
        match {
          prefix = "/v1/"
        }
      }
    }
  }
  action {
    forward {
      target_groups {
        target_group_identifier = aws_vpclattice_target_group.lattice_tg_orders_us_east_1.id
        weight                  = 90
      }
      target_groups {
        target_group_identifier = aws_vpclattice_target_group.lattice_tg_orders_v2_us_east_1.id
        weight                  = 10
      }
    }
  }
}

resource "aws_vpclattice_auth_policy" "lattice_svc_orders_us_east_1" {
  resource_identifier = aws_vpclattice_service.lattice_svc_orders_us_east_1.arn
  policy              = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { AWS = [aws_iam_role.role_api_us_east_1.arn] }, Action = "vpc-lattice-svcs:Invoke", Resource = "*" }] })
}

resource "aws_vpclattice_service" "lattice_svc_payments_us_east_1" {
  name      = "storefront-payments"
  auth_type = "AWS_IAM"
}

resource "aws_vpclattice_service_network_service_association" "lattice_svc_payments_us_east_1" {
  service_network_identifier = aws_vpclattice_service_network.lattice_storefront_mesh_us_east_1.id
  service_identifier         = aws_vpclattice_service.lattice_svc_payments_us_east_1.id
}

resource "aws_vpclattice_listener" "lattice_svc_payments_us_east_1" {
  name               = "listener"
  protocol           = "HTTPS"
  port               = 443
  service_identifier = aws_vpclattice_service.lattice_svc_payments_us_east_1.id
  default_action {
    forward {
      target_groups {
        target_group_identifier = aws_vpclattice_target_group.lattice_tg_payments_us_east_1.id
        weight                  = 100
      }
    }
  }
}

resource "aws_vpclattice_auth_policy" "lattice_svc_payments_us_east_1" {
  resource_identifier = aws_vpclattice_service.lattice_svc_payments_us_east_1.arn
  policy              = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { AWS = [aws_iam_role.role_orders_us_east_1.arn, aws_iam_role.role_orders_v2_us_east_1.arn] }, Action = "vpc-lattice-svcs:Invoke", Resource = "*" }] })
}
