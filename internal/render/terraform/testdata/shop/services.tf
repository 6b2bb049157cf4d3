resource "aws_service_discovery_private_dns_namespace" "ns_shop" {
  name = "shop.internal"
  vpc  = aws_vpc.vpc_shop.id
}

resource "aws_iam_role" "role_cart_eu_west_1" {
  name_prefix        = "shop-cart-"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "ecs-tasks.amazonaws.com" }, Action = "sts:AssumeRole" }] })
}

resource "aws_iam_role" "role_catalog_eu_west_1" {
  name_prefix        = "shop-catalog-"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "ecs-tasks.amazonaws.com" }, Action = "sts:AssumeRole" }] })
}

resource "aws_iam_role" "role_inventory_eu_west_1" {
  name_prefix        = "shop-inventory-"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "ecs-tasks.amazonaws.com" }, Action = "sts:AssumeRole" }] })
}

resource "aws_iam_role" "role_mobile_api_eu_west_1" {
  name_prefix        = "shop-mobile-api-"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "ecs-tasks.amazonaws.com" }, Action = "sts:AssumeRole" }] })
}

resource "aws_iam_role" "role_orders_eu_west_1" {
  name_prefix        = "shop-orders-"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "ecs-tasks.amazonaws.com" }, Action = "sts:AssumeRole" }] })
}

resource "aws_iam_role" "role_payments_eu_west_1" {
  name_prefix        = "shop-payments-"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "ecs-tasks.amazonaws.com" }, Action = "sts:AssumeRole" }] })
}

resource "aws_iam_role" "role_storefront_eu_west_1" {
  name_prefix        = "shop-storefront-"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "ecs-tasks.amazonaws.com" }, Action = "sts:AssumeRole" }] })
}

resource "aws_iam_role" "role_tracking_eu_west_1" {
  name_prefix        = "shop-tracking-"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "ecs-tasks.amazonaws.com" }, Action = "sts:AssumeRole" }] })
}

resource "aws_ecs_cluster" "cluster_shop_eu_west_1" {
  name = "shop"
  setting {
    name  = "containerInsights"
    value = "enabled"
  }
  service_connect_defaults {
    namespace = aws_service_discovery_private_dns_namespace.ns_shop.arn
  }
}

resource "aws_cloudwatch_log_group" "cluster_shop_eu_west_1" {
  name              = "/netwright/shop/tasks"
  retention_in_days = 30
}

resource "aws_iam_role" "cluster_shop_eu_west_1_execution" {
  name_prefix        = "shop-exec-"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "ecs-tasks.amazonaws.com" }, Action = "sts:AssumeRole" }] })
}

resource "aws_iam_role_policy_attachment" "cluster_shop_eu_west_1_execution" {
  role       = aws_iam_role.cluster_shop_eu_west_1_execution.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
}

resource "aws_ecs_task_definition" "ecs_cart_eu_west_1" {
  family                   = "shop-cart"
  network_mode             = "awsvpc"
  requires_compatibilities = ["FARGATE"]
  cpu                      = "256"
  memory                   = "512"
  execution_role_arn       = aws_iam_role.cluster_shop_eu_west_1_execution.arn
  task_role_arn            = aws_iam_role.role_cart_eu_west_1.arn
  container_definitions    = jsonencode([{ name = "cart", image = var.cart_image, essential = true, portMappings = [{ name = "cart", containerPort = 8080, protocol = "tcp", appProtocol = "grpc" }], logConfiguration = { logDriver = "awslogs", options = { "awslogs-group" = aws_cloudwatch_log_group.cluster_shop_eu_west_1.name, "awslogs-region" = "eu-west-1", "awslogs-stream-prefix" = "cart" } } }])
}

resource "aws_ecs_service" "ecs_cart_eu_west_1" {
  name                               = "cart"
  cluster                            = aws_ecs_cluster.cluster_shop_eu_west_1.id
  task_definition                    = aws_ecs_task_definition.ecs_cart_eu_west_1.arn
  desired_count                      = 3
  launch_type                        = "FARGATE"
  deployment_maximum_percent         = 200
  deployment_minimum_healthy_percent = 100
  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }
  network_configuration {
    subnets          = [aws_subnet.subnet_shop_app_cart_a.id, aws_subnet.subnet_shop_app_cart_b.id, aws_subnet.subnet_shop_app_cart_c.id]
    security_groups  = [aws_security_group.sg_shop_cart.id]
    assign_public_ip = false
  }
  service_connect_configuration {
    enabled   = true
    namespace = aws_service_discovery_private_dns_namespace.ns_shop.arn
    service {
      port_name      = "cart"
      discovery_name = "cart"
      client_alias {
        port     = 8080
        dns_name = "cart.shop.internal"
      }
      timeout {
        per_request_timeout_seconds = 15
        idle_timeout_seconds        = 300
      }
      tls {
        issuer_cert_authority {
          aws_pca_authority_arn = var.service_connect_private_ca_arn
        }
        role_arn = aws_iam_role.cluster_shop_eu_west_1_sc_tls.arn
      }
    }
  }
}

resource "aws_iam_role" "cluster_shop_eu_west_1_sc_tls" {
  name_prefix        = "shop-sc-tls-"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "ecs.amazonaws.com" }, Action = "sts:AssumeRole" }] })
}

resource "aws_iam_role_policy_attachment" "cluster_shop_eu_west_1_sc_tls" {
  role       = aws_iam_role.cluster_shop_eu_west_1_sc_tls.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AmazonECSInfrastructureRolePolicyForServiceConnectTransportLayerSecurity"
}

resource "aws_ecs_task_definition" "ecs_catalog_eu_west_1" {
  family                   = "shop-catalog"
  network_mode             = "awsvpc"
  requires_compatibilities = ["FARGATE"]
  cpu                      = "256"
  memory                   = "512"
  execution_role_arn       = aws_iam_role.cluster_shop_eu_west_1_execution.arn
  task_role_arn            = aws_iam_role.role_catalog_eu_west_1.arn
  container_definitions    = jsonencode([{ name = "catalog", image = var.catalog_image, essential = true, portMappings = [{ name = "catalog", containerPort = 8080, protocol = "tcp", appProtocol = "http2" }], environment = [{ name = "INVENTORY_ADDR", value = "inventory.shop.internal:7070" }], logConfiguration = { logDriver = "awslogs", options = { "awslogs-group" = aws_cloudwatch_log_group.cluster_shop_eu_west_1.name, "awslogs-region" = "eu-west-1", "awslogs-stream-prefix" = "catalog" } } }])
}

resource "aws_ecs_service" "ecs_catalog_eu_west_1" {
  name                               = "catalog"
  cluster                            = aws_ecs_cluster.cluster_shop_eu_west_1.id
  task_definition                    = aws_ecs_task_definition.ecs_catalog_eu_west_1.arn
  desired_count                      = 3
  launch_type                        = "FARGATE"
  deployment_maximum_percent         = 200
  deployment_minimum_healthy_percent = 100
  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }
  network_configuration {
    subnets          = [aws_subnet.subnet_shop_app_catalog_a.id, aws_subnet.subnet_shop_app_catalog_b.id, aws_subnet.subnet_shop_app_catalog_c.id]
    security_groups  = [aws_security_group.sg_shop_catalog.id]
    assign_public_ip = false
  }
  service_connect_configuration {
    enabled   = true
    namespace = aws_service_discovery_private_dns_namespace.ns_shop.arn
    service {
      port_name      = "catalog"
      discovery_name = "catalog"
      client_alias {
        port     = 8080
        dns_name = "catalog.shop.internal"
      }
      timeout {
        per_request_timeout_seconds = 15
        idle_timeout_seconds        = 300
      }
      tls {
        issuer_cert_authority {
          aws_pca_authority_arn = var.service_connect_private_ca_arn
        }
        role_arn = aws_iam_role.cluster_shop_eu_west_1_sc_tls.arn
      }
    }
  }
  depends_on = [aws_ecs_service.ecs_inventory_eu_west_1]
}

resource "aws_ecs_task_definition" "ecs_inventory_eu_west_1" {
  family                   = "shop-inventory"
  network_mode             = "awsvpc"
  requires_compatibilities = ["FARGATE"]
  cpu                      = "256"
  memory                   = "512"
  execution_role_arn       = aws_iam_role.cluster_shop_eu_west_1_execution.arn
  task_role_arn            = aws_iam_role.role_inventory_eu_west_1.arn
  container_definitions    = jsonencode([{ name = "inventory", image = var.inventory_image, essential = true, portMappings = [{ name = "inventory", containerPort = 7070, protocol = "tcp" }], logConfiguration = { logDriver = "awslogs", options = { "awslogs-group" = aws_cloudwatch_log_group.cluster_shop_eu_west_1.name, "awslogs-region" = "eu-west-1", "awslogs-stream-prefix" = "inventory" } } }])
}

resource "aws_ecs_service" "ecs_inventory_eu_west_1" {
  name                               = "inventory"
  cluster                            = aws_ecs_cluster.cluster_shop_eu_west_1.id
  task_definition                    = aws_ecs_task_definition.ecs_inventory_eu_west_1.arn
  desired_count                      = 3
  launch_type                        = "FARGATE"
  deployment_maximum_percent         = 200
  deployment_minimum_healthy_percent = 100
  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }
  network_configuration {
    subnets          = [aws_subnet.subnet_shop_app_inventory_a.id, aws_subnet.subnet_shop_app_inventory_b.id, aws_subnet.subnet_shop_app_inventory_c.id]
    security_groups  = [aws_security_group.sg_shop_inventory.id]
    assign_public_ip = false
  }
  service_connect_configuration {
    enabled   = true
    namespace = aws_service_discovery_private_dns_namespace.ns_shop.arn
    service {
      port_name      = "inventory"
      discovery_name = "inventory"
      client_alias {
        port     = 7070
        dns_name = "inventory.shop.internal"
      }
      timeout {
        idle_timeout_seconds = 3600
      }
      tls {
        issuer_cert_authority {
          aws_pca_authority_arn = var.service_connect_private_ca_arn
        }
        role_arn = aws_iam_role.cluster_shop_eu_west_1_sc_tls.arn
      }
    }
  }
}

resource "aws_ecs_task_definition" "ecs_mobile_api_eu_west_1" {
  family                   = "shop-mobile-api"
  network_mode             = "awsvpc"
  requires_compatibilities = ["FARGATE"]
  cpu                      = "256"
  memory                   = "512"
  execution_role_arn       = aws_iam_role.cluster_shop_eu_west_1_execution.arn
  task_role_arn            = aws_iam_role.role_mobile_api_eu_west_1.arn
  container_definitions    = jsonencode([{ name = "mobile-api", image = var.mobile_api_image, essential = true, portMappings = [{ name = "mobile-api", containerPort = 50051, protocol = "tcp", appProtocol = "grpc" }], environment = [{ name = "CART_ADDR", value = "cart.shop.internal:8080" }, { name = "CATALOG_ADDR", value = "catalog.shop.internal:8080" }, { name = "ORDERS_ADDR", value = "orders.shop.internal:8080" }], logConfiguration = { logDriver = "awslogs", options = { "awslogs-group" = aws_cloudwatch_log_group.cluster_shop_eu_west_1.name, "awslogs-region" = "eu-west-1", "awslogs-stream-prefix" = "mobile-api" } } }])
}

resource "aws_ecs_service" "ecs_mobile_api_eu_west_1" {
  name                               = "mobile-api"
  cluster                            = aws_ecs_cluster.cluster_shop_eu_west_1.id
  task_definition                    = aws_ecs_task_definition.ecs_mobile_api_eu_west_1.arn
  desired_count                      = 3
  launch_type                        = "FARGATE"
  deployment_maximum_percent         = 200
  deployment_minimum_healthy_percent = 100
  health_check_grace_period_seconds  = 60
  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }
  network_configuration {
    subnets          = [aws_subnet.subnet_shop_app_mobile_api_a.id, aws_subnet.subnet_shop_app_mobile_api_b.id, aws_subnet.subnet_shop_app_mobile_api_c.id]
    security_groups  = [aws_security_group.sg_shop_mobile_api.id]
    assign_public_ip = false
  }
  load_balancer {
    container_name   = "mobile-api"
    container_port   = 50051
    target_group_arn = aws_lb_target_group.tg_shop_mobile_api_50051.arn
  }
  service_connect_configuration {
    enabled   = true
    namespace = aws_service_discovery_private_dns_namespace.ns_shop.arn
  }
  depends_on = [aws_lb_listener_rule.alb_shop_public_rule_0, aws_ecs_service.ecs_cart_eu_west_1, aws_ecs_service.ecs_catalog_eu_west_1, aws_ecs_service.ecs_orders_eu_west_1]
}

resource "aws_ecs_task_definition" "ecs_orders_eu_west_1" {
  family                   = "shop-orders"
  network_mode             = "awsvpc"
  requires_compatibilities = ["FARGATE"]
  cpu                      = "256"
  memory                   = "512"
  execution_role_arn       = aws_iam_role.cluster_shop_eu_west_1_execution.arn
  task_role_arn            = aws_iam_role.role_orders_eu_west_1.arn
  container_definitions    = jsonencode([{ name = "orders", image = var.orders_image, essential = true, portMappings = [{ name = "orders", containerPort = 8080, protocol = "tcp", appProtocol = "grpc" }], environment = [{ name = "INVENTORY_ADDR", value = "inventory.shop.internal:7070" }, { name = "PAYMENTS_ADDR", value = "payments.shop.internal:8443" }], logConfiguration = { logDriver = "awslogs", options = { "awslogs-group" = aws_cloudwatch_log_group.cluster_shop_eu_west_1.name, "awslogs-region" = "eu-west-1", "awslogs-stream-prefix" = "orders" } } }])
}

resource "aws_ecs_service" "ecs_orders_eu_west_1" {
  name                               = "orders"
  cluster                            = aws_ecs_cluster.cluster_shop_eu_west_1.id
  task_definition                    = aws_ecs_task_definition.ecs_orders_eu_west_1.arn
  desired_count                      = 3
  launch_type                        = "FARGATE"
  deployment_maximum_percent         = 200
  deployment_minimum_healthy_percent = 100
  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }
  network_configuration {
    subnets          = [aws_subnet.subnet_shop_app_orders_a.id, aws_subnet.subnet_shop_app_orders_b.id, aws_subnet.subnet_shop_app_orders_c.id]
    security_groups  = [aws_security_group.sg_shop_orders.id]
    assign_public_ip = false
  }
  service_connect_configuration {
    enabled   = true
    namespace = aws_service_discovery_private_dns_namespace.ns_shop.arn
    service {
      port_name      = "orders"
      discovery_name = "orders"
      client_alias {
        port     = 8080
        dns_name = "orders.shop.internal"
      }
      timeout {
        per_request_timeout_seconds = 10
        idle_timeout_seconds        = 300
      }
      tls {
        issuer_cert_authority {
          aws_pca_authority_arn = var.service_connect_private_ca_arn
        }
        role_arn = aws_iam_role.cluster_shop_eu_west_1_sc_tls.arn
      }
    }
  }
  depends_on = [aws_ecs_service.ecs_inventory_eu_west_1, aws_ecs_service.ecs_payments_eu_west_1]
}

resource "aws_ecs_task_definition" "ecs_payments_eu_west_1" {
  family                   = "shop-payments"
  network_mode             = "awsvpc"
  requires_compatibilities = ["FARGATE"]
  cpu                      = "256"
  memory                   = "512"
  execution_role_arn       = aws_iam_role.cluster_shop_eu_west_1_execution.arn
  task_role_arn            = aws_iam_role.role_payments_eu_west_1.arn
  container_definitions    = jsonencode([{ name = "payments", image = var.payments_image, essential = true, portMappings = [{ name = "payments", containerPort = 8443, protocol = "tcp", appProtocol = "http" }], logConfiguration = { logDriver = "awslogs", options = { "awslogs-group" = aws_cloudwatch_log_group.cluster_shop_eu_west_1.name, "awslogs-region" = "eu-west-1", "awslogs-stream-prefix" = "payments" } } }])
}

resource "aws_ecs_service" "ecs_payments_eu_west_1" {
  name                               = "payments"
  cluster                            = aws_ecs_cluster.cluster_shop_eu_west_1.id
  task_definition                    = aws_ecs_task_definition.ecs_payments_eu_west_1.arn
  desired_count                      = 3
  launch_type                        = "FARGATE"
  deployment_maximum_percent         = 200
  deployment_minimum_healthy_percent = 100
  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }
  network_configuration {
    subnets          = [aws_subnet.subnet_shop_app_payments_a.id, aws_subnet.subnet_shop_app_payments_b.id, aws_subnet.subnet_shop_app_payments_c.id]
    security_groups  = [aws_security_group.sg_shop_payments.id]
    assign_public_ip = false
  }
  service_connect_configuration {
    enabled   = true
    namespace = aws_service_discovery_private_dns_namespace.ns_shop.arn
    service {
      port_name      = "payments"
      discovery_name = "payments"
      client_alias {
        port     = 8443
        dns_name = "payments.shop.internal"
      }
      timeout {
        per_request_timeout_seconds = 15
        idle_timeout_seconds        = 300
      }
      tls {
        issuer_cert_authority {
          aws_pca_authority_arn = var.service_connect_private_ca_arn
        }
        role_arn = aws_iam_role.cluster_shop_eu_west_1_sc_tls.arn
      }
    }
  }
}

resource "aws_ecs_task_definition" "ecs_storefront_eu_west_1" {
  family                   = "shop-storefront"
  network_mode             = "awsvpc"
  requires_compatibilities = ["FARGATE"]
  cpu                      = "256"
  memory                   = "512"
  execution_role_arn       = aws_iam_role.cluster_shop_eu_west_1_execution.arn
  task_role_arn            = aws_iam_role.role_storefront_eu_west_1.arn
  container_definitions    = jsonencode([{ name = "storefront", image = var.storefront_image, essential = true, portMappings = [{ name = "storefront", containerPort = 3000, protocol = "tcp", appProtocol = "http" }], environment = [{ name = "CART_ADDR", value = "cart.shop.internal:8080" }, { name = "CATALOG_ADDR", value = "catalog.shop.internal:8080" }, { name = "ORDERS_ADDR", value = "orders.shop.internal:8080" }], logConfiguration = { logDriver = "awslogs", options = { "awslogs-group" = aws_cloudwatch_log_group.cluster_shop_eu_west_1.name, "awslogs-region" = "eu-west-1", "awslogs-stream-prefix" = "storefront" } } }])
}

resource "aws_ecs_service" "ecs_storefront_eu_west_1" {
  name                               = "storefront"
  cluster                            = aws_ecs_cluster.cluster_shop_eu_west_1.id
  task_definition                    = aws_ecs_task_definition.ecs_storefront_eu_west_1.arn
  desired_count                      = 3
  launch_type                        = "FARGATE"
  deployment_maximum_percent         = 200
  deployment_minimum_healthy_percent = 100
  health_check_grace_period_seconds  = 60
  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }
  network_configuration {
    subnets          = [aws_subnet.subnet_shop_app_storefront_a.id, aws_subnet.subnet_shop_app_storefront_b.id, aws_subnet.subnet_shop_app_storefront_c.id]
    security_groups  = [aws_security_group.sg_shop_storefront.id]
    assign_public_ip = false
  }
  load_balancer {
    container_name   = "storefront"
    container_port   = 3000
    target_group_arn = aws_lb_target_group.tg_shop_storefront_3000.arn
  }
  service_connect_configuration {
    enabled   = true
    namespace = aws_service_discovery_private_dns_namespace.ns_shop.arn
  }
  depends_on = [aws_lb_listener.alb_shop_public_https, aws_ecs_service.ecs_cart_eu_west_1, aws_ecs_service.ecs_catalog_eu_west_1, aws_ecs_service.ecs_orders_eu_west_1]
}

resource "aws_ecs_task_definition" "ecs_tracking_eu_west_1" {
  family                   = "shop-tracking"
  network_mode             = "awsvpc"
  requires_compatibilities = ["FARGATE"]
  cpu                      = "256"
  memory                   = "512"
  execution_role_arn       = aws_iam_role.cluster_shop_eu_west_1_execution.arn
  task_role_arn            = aws_iam_role.role_tracking_eu_west_1.arn
  container_definitions    = jsonencode([{ name = "tracking", image = var.tracking_image, essential = true, portMappings = [{ name = "tracking", containerPort = 8081, protocol = "tcp", appProtocol = "http" }], environment = [{ name = "ORDERS_ADDR", value = "orders.shop.internal:8080" }], logConfiguration = { logDriver = "awslogs", options = { "awslogs-group" = aws_cloudwatch_log_group.cluster_shop_eu_west_1.name, "awslogs-region" = "eu-west-1", "awslogs-stream-prefix" = "tracking" } } }])
}

resource "aws_ecs_service" "ecs_tracking_eu_west_1" {
  name                               = "tracking"
  cluster                            = aws_ecs_cluster.cluster_shop_eu_west_1.id
  task_definition                    = aws_ecs_task_definition.ecs_tracking_eu_west_1.arn
  desired_count                      = 3
  launch_type                        = "FARGATE"
  deployment_maximum_percent         = 200
  deployment_minimum_healthy_percent = 100
  health_check_grace_period_seconds  = 60
  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }
  network_configuration {
    subnets          = [aws_subnet.subnet_shop_app_tracking_a.id, aws_subnet.subnet_shop_app_tracking_b.id, aws_subnet.subnet_shop_app_tracking_c.id]
    security_groups  = [aws_security_group.sg_shop_tracking.id]
    assign_public_ip = false
  }
  load_balancer {
    container_name   = "tracking"
    container_port   = 8081
    target_group_arn = aws_lb_target_group.tg_shop_tracking_8081.arn
  }
  service_connect_configuration {
    enabled   = true
    namespace = aws_service_discovery_private_dns_namespace.ns_shop.arn
  }
  depends_on = [aws_lb_listener_rule.alb_shop_public_rule_1, aws_ecs_service.ecs_orders_eu_west_1]
}
