resource "aws_service_discovery_private_dns_namespace" "ns_orders" {
  name = "orders.local"
  vpc  = aws_vpc.vpc_orders.id
}

resource "aws_iam_role" "role_inventory_us_east_1" {
  name_prefix        = "orders-inventory-"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "ecs-tasks.amazonaws.com" }, Action = "sts:AssumeRole" }] })
}

resource "aws_iam_role" "role_orders_us_east_1" {
  name_prefix        = "orders-orders-"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "ecs-tasks.amazonaws.com" }, Action = "sts:AssumeRole" }] })
}

resource "aws_iam_role" "role_shop_us_east_1" {
  name_prefix        = "orders-shop-"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "ecs-tasks.amazonaws.com" }, Action = "sts:AssumeRole" }] })
}

resource "aws_ecs_cluster" "cluster_orders_us_east_1" {
  name = "orders"
  setting {
    name  = "containerInsights"
    value = "enabled"
  }
  service_connect_defaults {
    namespace = aws_service_discovery_private_dns_namespace.ns_orders.arn
  }
}

resource "aws_cloudwatch_log_group" "cluster_orders_us_east_1" {
  name              = "/netwright/orders/tasks"
  retention_in_days = 30
}

resource "aws_iam_role" "cluster_orders_us_east_1_execution" {
  name_prefix        = "orders-exec-"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "ecs-tasks.amazonaws.com" }, Action = "sts:AssumeRole" }] })
}

resource "aws_iam_role_policy_attachment" "cluster_orders_us_east_1_execution" {
  role       = aws_iam_role.cluster_orders_us_east_1_execution.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
}

resource "aws_ecs_task_definition" "ecs_inventory_us_east_1" {
  family                   = "orders-inventory"
  network_mode             = "awsvpc"
  requires_compatibilities = ["FARGATE"]
  cpu                      = "256"
  memory                   = "512"
  execution_role_arn       = aws_iam_role.cluster_orders_us_east_1_execution.arn
  task_role_arn            = aws_iam_role.role_inventory_us_east_1.arn
  container_definitions    = jsonencode([{ name = "inventory", image = var.inventory_image, essential = true, portMappings = [{ name = "inventory", containerPort = 7000, protocol = "tcp", appProtocol = "http" }], logConfiguration = { logDriver = "awslogs", options = { "awslogs-group" = aws_cloudwatch_log_group.cluster_orders_us_east_1.name, "awslogs-region" = "us-east-1", "awslogs-stream-prefix" = "inventory" } } }])
}

resource "aws_ecs_service" "ecs_inventory_us_east_1" {
  name                               = "inventory"
  cluster                            = aws_ecs_cluster.cluster_orders_us_east_1.id
  task_definition                    = aws_ecs_task_definition.ecs_inventory_us_east_1.arn
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
    subnets          = [aws_subnet.subnet_orders_app_a.id, aws_subnet.subnet_orders_app_b.id, aws_subnet.subnet_orders_app_c.id]
    security_groups  = [aws_security_group.sg_orders_inventory.id]
    assign_public_ip = false
  }
  load_balancer {
    container_name   = "inventory"
    container_port   = 7000
    target_group_arn = aws_lb_target_group.tg_orders_inventory_7000.arn
  }
  service_connect_configuration {
    enabled   = true
    namespace = aws_service_discovery_private_dns_namespace.ns_orders.arn
  }
  depends_on = [aws_lb_listener.alb_orders_internal_7000]
}

resource "aws_ecs_task_definition" "ecs_orders_us_east_1" {
  family                   = "orders-orders"
  network_mode             = "awsvpc"
  requires_compatibilities = ["FARGATE"]
  cpu                      = "256"
  memory                   = "512"
  execution_role_arn       = aws_iam_role.cluster_orders_us_east_1_execution.arn
  task_role_arn            = aws_iam_role.role_orders_us_east_1.arn
  container_definitions    = jsonencode([{ name = "orders", image = var.orders_image, essential = true, portMappings = [{ name = "orders", containerPort = 9000, protocol = "tcp", appProtocol = "http" }], logConfiguration = { logDriver = "awslogs", options = { "awslogs-group" = aws_cloudwatch_log_group.cluster_orders_us_east_1.name, "awslogs-region" = "us-east-1", "awslogs-stream-prefix" = "orders" } } }])
}

resource "aws_ecs_service" "ecs_orders_us_east_1" {
  name                               = "orders"
  cluster                            = aws_ecs_cluster.cluster_orders_us_east_1.id
  task_definition                    = aws_ecs_task_definition.ecs_orders_us_east_1.arn
  desired_count                      = 3
  launch_type                        = "FARGATE"
  deployment_maximum_percent         = 200
  deployment_minimum_healthy_percent = 100
  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }
  network_configuration {
    subnets          = [aws_subnet.subnet_orders_app_a.id, aws_subnet.subnet_orders_app_b.id, aws_subnet.subnet_orders_app_c.id]
    security_groups  = [aws_security_group.sg_orders_orders.id]
    assign_public_ip = false
  }
  service_connect_configuration {
    enabled   = true
    namespace = aws_service_discovery_private_dns_namespace.ns_orders.arn
    service {
      port_name      = "orders"
      discovery_name = "orders"
      client_alias {
        port     = 9000
        dns_name = "orders.orders.local"
      }
      timeout {
        per_request_timeout_seconds = 15
        idle_timeout_seconds        = 300
      }
      tls {
        issuer_cert_authority {
          aws_pca_authority_arn = var.service_connect_private_ca_arn
        }
        role_arn = aws_iam_role.cluster_orders_us_east_1_sc_tls.arn
      }
    }
  }
}

resource "aws_iam_role" "cluster_orders_us_east_1_sc_tls" {
  name_prefix        = "orders-sc-tls-"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "ecs.amazonaws.com" }, Action = "sts:AssumeRole" }] })
}

resource "aws_iam_role_policy_attachment" "cluster_orders_us_east_1_sc_tls" {
  role       = aws_iam_role.cluster_orders_us_east_1_sc_tls.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AmazonECSInfrastructureRolePolicyForServiceConnectTransportLayerSecurity"
}

resource "aws_ecs_task_definition" "ecs_shop_us_east_1" {
  family                   = "orders-shop"
  network_mode             = "awsvpc"
  requires_compatibilities = ["FARGATE"]
  cpu                      = "256"
  memory                   = "512"
  execution_role_arn       = aws_iam_role.cluster_orders_us_east_1_execution.arn
  task_role_arn            = aws_iam_role.role_shop_us_east_1.arn
  container_definitions    = jsonencode([{ name = "shop", image = var.shop_image, essential = true, portMappings = [{ name = "shop", containerPort = 8080, protocol = "tcp", appProtocol = "http" }], environment = [{ name = "INVENTORY_ADDR", value = "${aws_lb.alb_orders_internal.dns_name}:7000" }, { name = "ORDERS_ADDR", value = "orders.orders.local:9000" }], logConfiguration = { logDriver = "awslogs", options = { "awslogs-group" = aws_cloudwatch_log_group.cluster_orders_us_east_1.name, "awslogs-region" = "us-east-1", "awslogs-stream-prefix" = "shop" } } }])
}

resource "aws_ecs_service" "ecs_shop_us_east_1" {
  name                               = "shop"
  cluster                            = aws_ecs_cluster.cluster_orders_us_east_1.id
  task_definition                    = aws_ecs_task_definition.ecs_shop_us_east_1.arn
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
    subnets          = [aws_subnet.subnet_orders_app_a.id, aws_subnet.subnet_orders_app_b.id, aws_subnet.subnet_orders_app_c.id]
    security_groups  = [aws_security_group.sg_orders_shop.id]
    assign_public_ip = false
  }
  load_balancer {
    container_name   = "shop"
    container_port   = 8080
    target_group_arn = aws_lb_target_group.tg_orders_shop_8080.arn
  }
  service_connect_configuration {
    enabled   = true
    namespace = aws_service_discovery_private_dns_namespace.ns_orders.arn
  }
  depends_on = [aws_lb_listener_rule.alb_orders_public_https_rule_origin, aws_ecs_service.ecs_orders_us_east_1]
}
