resource "aws_service_discovery_private_dns_namespace" "ns_pay_us_east_1" {
  provider = aws.us_east_1
  name     = "pay.local"
  vpc      = aws_vpc.vpc_pay_us_east_1.id
}

resource "aws_service_discovery_private_dns_namespace" "ns_pay_eu_west_1" {
  provider = aws.eu_west_1
  name     = "pay.local"
  vpc      = aws_vpc.vpc_pay_eu_west_1.id
}

resource "aws_iam_role" "role_api_us_east_1" {
  provider           = aws.us_east_1
  name_prefix        = "pay-api-"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "ecs-tasks.amazonaws.com" }, Action = "sts:AssumeRole" }] })
}

resource "aws_iam_role" "role_api_eu_west_1" {
  provider           = aws.eu_west_1
  name_prefix        = "pay-api-"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "ecs-tasks.amazonaws.com" }, Action = "sts:AssumeRole" }] })
}

resource "aws_iam_role" "role_ledger_us_east_1" {
  provider           = aws.us_east_1
  name_prefix        = "pay-ledger-"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "ecs-tasks.amazonaws.com" }, Action = "sts:AssumeRole" }] })
}

resource "aws_iam_role" "role_ledger_eu_west_1" {
  provider           = aws.eu_west_1
  name_prefix        = "pay-ledger-"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "ecs-tasks.amazonaws.com" }, Action = "sts:AssumeRole" }] })
}

resource "aws_ecs_cluster" "cluster_pay_us_east_1" {
  provider = aws.us_east_1
  name     = "pay"
  setting {
    name  = "containerInsights"
    value = "enabled"
  }
  service_connect_defaults {
    namespace = aws_service_discovery_private_dns_namespace.ns_pay_us_east_1.arn
  }
}

resource "aws_cloudwatch_log_group" "cluster_pay_us_east_1" {
  provider          = aws.us_east_1
  name              = "/netwright/pay/tasks"
  retention_in_days = 30
}

resource "aws_iam_role" "cluster_pay_us_east_1_execution" {
  provider           = aws.us_east_1
  name_prefix        = "pay-exec-"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "ecs-tasks.amazonaws.com" }, Action = "sts:AssumeRole" }] })
}

resource "aws_iam_role_policy_attachment" "cluster_pay_us_east_1_execution" {
  provider   = aws.us_east_1
  role       = aws_iam_role.cluster_pay_us_east_1_execution.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
}

resource "aws_ecs_task_definition" "ecs_api_us_east_1" {
  provider                 = aws.us_east_1
  family                   = "pay-api"
  network_mode             = "awsvpc"
  requires_compatibilities = ["FARGATE"]
  cpu                      = "256"
  memory                   = "512"
  execution_role_arn       = aws_iam_role.cluster_pay_us_east_1_execution.arn
  task_role_arn            = aws_iam_role.role_api_us_east_1.arn
  container_definitions    = jsonencode([{ name = "api", image = var.api_image, essential = true, portMappings = [{ name = "api", containerPort = 8080, protocol = "tcp", appProtocol = "http" }], environment = [{ name = "LEDGER_ADDR", value = "ledger.pay.local:9090" }], logConfiguration = { logDriver = "awslogs", options = { "awslogs-group" = aws_cloudwatch_log_group.cluster_pay_us_east_1.name, "awslogs-region" = "us-east-1", "awslogs-stream-prefix" = "api" } } }])
}

resource "aws_ecs_service" "ecs_api_us_east_1" {
  provider                           = aws.us_east_1
  name                               = "api"
  cluster                            = aws_ecs_cluster.cluster_pay_us_east_1.id
  task_definition                    = aws_ecs_task_definition.ecs_api_us_east_1.arn
  desired_count                      = 4
  launch_type                        = "FARGATE"
  deployment_maximum_percent         = 200
  deployment_minimum_healthy_percent = 100
  health_check_grace_period_seconds  = 60
  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }
  network_configuration {
    subnets          = [aws_subnet.subnet_pay_us_east_1_app_a.id, aws_subnet.subnet_pay_us_east_1_app_b.id, aws_subnet.subnet_pay_us_east_1_app_c.id]
    security_groups  = [aws_security_group.sg_pay_us_east_1_api.id]
    assign_public_ip = false
  }
  load_balancer {
    container_name   = "api"
    container_port   = 8080
    target_group_arn = aws_lb_target_group.tg_pay_us_east_1_api_8080.arn
  }
  service_connect_configuration {
    enabled   = true
    namespace = aws_service_discovery_private_dns_namespace.ns_pay_us_east_1.arn
  }
  depends_on = [aws_lb_listener.alb_pay_us_east_1_public_https, aws_ecs_service.ecs_ledger_us_east_1]
}

resource "aws_ecs_task_definition" "ecs_ledger_us_east_1" {
  provider                 = aws.us_east_1
  family                   = "pay-ledger"
  network_mode             = "awsvpc"
  requires_compatibilities = ["FARGATE"]
  cpu                      = "256"
  memory                   = "512"
  execution_role_arn       = aws_iam_role.cluster_pay_us_east_1_execution.arn
  task_role_arn            = aws_iam_role.role_ledger_us_east_1.arn
  container_definitions    = jsonencode([{ name = "ledger", image = var.ledger_image, essential = true, portMappings = [{ name = "ledger", containerPort = 9090, protocol = "tcp", appProtocol = "grpc" }], logConfiguration = { logDriver = "awslogs", options = { "awslogs-group" = aws_cloudwatch_log_group.cluster_pay_us_east_1.name, "awslogs-region" = "us-east-1", "awslogs-stream-prefix" = "ledger" } } }])
}

resource "aws_ecs_service" "ecs_ledger_us_east_1" {
  provider                           = aws.us_east_1
  name                               = "ledger"
  cluster                            = aws_ecs_cluster.cluster_pay_us_east_1.id
  task_definition                    = aws_ecs_task_definition.ecs_ledger_us_east_1.arn
  desired_count                      = 3
  launch_type                        = "FARGATE"
  deployment_maximum_percent         = 200
  deployment_minimum_healthy_percent = 100
  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }
  network_configuration {
    subnets          = [aws_subnet.subnet_pay_us_east_1_app_a.id, aws_subnet.subnet_pay_us_east_1_app_b.id, aws_subnet.subnet_pay_us_east_1_app_c.id]
    security_groups  = [aws_security_group.sg_pay_us_east_1_ledger.id]
    assign_public_ip = false
  }
  service_connect_configuration {
    enabled   = true
    namespace = aws_service_discovery_private_dns_namespace.ns_pay_us_east_1.arn
    service {
      port_name      = "ledger"
      discovery_name = "ledger"
      client_alias {
        port     = 9090
        dns_name = "ledger.pay.local"
      }
      timeout {
        per_request_timeout_seconds = 15
        idle_timeout_seconds        = 300
      }
      tls {
        issuer_cert_authority {
          aws_pca_authority_arn = var.service_connect_private_ca_arn
        }
        role_arn = aws_iam_role.cluster_pay_us_east_1_sc_tls.arn
      }
    }
  }
}

resource "aws_iam_role" "cluster_pay_us_east_1_sc_tls" {
  provider           = aws.us_east_1
  name_prefix        = "pay-sc-tls-"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "ecs.amazonaws.com" }, Action = "sts:AssumeRole" }] })
}

resource "aws_iam_role_policy_attachment" "cluster_pay_us_east_1_sc_tls" {
  provider   = aws.us_east_1
  role       = aws_iam_role.cluster_pay_us_east_1_sc_tls.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AmazonECSInfrastructureRolePolicyForServiceConnectTransportLayerSecurity"
}

resource "aws_ecs_cluster" "cluster_pay_eu_west_1" {
  provider = aws.eu_west_1
  name     = "pay"
  setting {
    name  = "containerInsights"
    value = "enabled"
  }
  service_connect_defaults {
    namespace = aws_service_discovery_private_dns_namespace.ns_pay_eu_west_1.arn
  }
}

resource "aws_cloudwatch_log_group" "cluster_pay_eu_west_1" {
  provider          = aws.eu_west_1
  name              = "/netwright/pay/tasks"
  retention_in_days = 30
}

resource "aws_iam_role" "cluster_pay_eu_west_1_execution" {
  provider           = aws.eu_west_1
  name_prefix        = "pay-exec-"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "ecs-tasks.amazonaws.com" }, Action = "sts:AssumeRole" }] })
}

resource "aws_iam_role_policy_attachment" "cluster_pay_eu_west_1_execution" {
  provider   = aws.eu_west_1
  role       = aws_iam_role.cluster_pay_eu_west_1_execution.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
}

resource "aws_ecs_task_definition" "ecs_api_eu_west_1" {
  provider                 = aws.eu_west_1
  family                   = "pay-api"
  network_mode             = "awsvpc"
  requires_compatibilities = ["FARGATE"]
  cpu                      = "256"
  memory                   = "512"
  execution_role_arn       = aws_iam_role.cluster_pay_eu_west_1_execution.arn
  task_role_arn            = aws_iam_role.role_api_eu_west_1.arn
  container_definitions    = jsonencode([{ name = "api", image = var.api_image, essential = true, portMappings = [{ name = "api", containerPort = 8080, protocol = "tcp", appProtocol = "http" }], environment = [{ name = "LEDGER_ADDR", value = "ledger.pay.local:9090" }], logConfiguration = { logDriver = "awslogs", options = { "awslogs-group" = aws_cloudwatch_log_group.cluster_pay_eu_west_1.name, "awslogs-region" = "eu-west-1", "awslogs-stream-prefix" = "api" } } }])
}

resource "aws_ecs_service" "ecs_api_eu_west_1" {
  provider                           = aws.eu_west_1
  name                               = "api"
  cluster                            = aws_ecs_cluster.cluster_pay_eu_west_1.id
  task_definition                    = aws_ecs_task_definition.ecs_api_eu_west_1.arn
  desired_count                      = 4
  launch_type                        = "FARGATE"
  deployment_maximum_percent         = 200
  deployment_minimum_healthy_percent = 100
  health_check_grace_period_seconds  = 60
  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }
  network_configuration {
    subnets          = [aws_subnet.subnet_pay_eu_west_1_app_a.id, aws_subnet.subnet_pay_eu_west_1_app_b.id, aws_subnet.subnet_pay_eu_west_1_app_c.id]
    security_groups  = [aws_security_group.sg_pay_eu_west_1_api.id]
    assign_public_ip = false
  }
  load_balancer {
    container_name   = "api"
    container_port   = 8080
    target_group_arn = aws_lb_target_group.tg_pay_eu_west_1_api_8080.arn
  }
  service_connect_configuration {
    enabled   = true
    namespace = aws_service_discovery_private_dns_namespace.ns_pay_eu_west_1.arn
  }
  depends_on = [aws_lb_listener.alb_pay_eu_west_1_public_https, aws_ecs_service.ecs_ledger_eu_west_1]
}

resource "aws_ecs_task_definition" "ecs_ledger_eu_west_1" {
  provider                 = aws.eu_west_1
  family                   = "pay-ledger"
  network_mode             = "awsvpc"
  requires_compatibilities = ["FARGATE"]
  cpu                      = "256"
  memory                   = "512"
  execution_role_arn       = aws_iam_role.cluster_pay_eu_west_1_execution.arn
  task_role_arn            = aws_iam_role.role_ledger_eu_west_1.arn
  container_definitions    = jsonencode([{ name = "ledger", image = var.ledger_image, essential = true, portMappings = [{ name = "ledger", containerPort = 9090, protocol = "tcp", appProtocol = "grpc" }], logConfiguration = { logDriver = "awslogs", options = { "awslogs-group" = aws_cloudwatch_log_group.cluster_pay_eu_west_1.name, "awslogs-region" = "eu-west-1", "awslogs-stream-prefix" = "ledger" } } }])
}

resource "aws_ecs_service" "ecs_ledger_eu_west_1" {
  provider                           = aws.eu_west_1
  name                               = "ledger"
  cluster                            = aws_ecs_cluster.cluster_pay_eu_west_1.id
  task_definition                    = aws_ecs_task_definition.ecs_ledger_eu_west_1.arn
  desired_count                      = 3
  launch_type                        = "FARGATE"
  deployment_maximum_percent         = 200
  deployment_minimum_healthy_percent = 100
  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }
  network_configuration {
    subnets          = [aws_subnet.subnet_pay_eu_west_1_app_a.id, aws_subnet.subnet_pay_eu_west_1_app_b.id, aws_subnet.subnet_pay_eu_west_1_app_c.id]
    security_groups  = [aws_security_group.sg_pay_eu_west_1_ledger.id]
    assign_public_ip = false
  }
  service_connect_configuration {
    enabled   = true
    namespace = aws_service_discovery_private_dns_namespace.ns_pay_eu_west_1.arn
    service {
      port_name      = "ledger"
      discovery_name = "ledger"
      client_alias {
        port     = 9090
        dns_name = "ledger.pay.local"
      }
      timeout {
        per_request_timeout_seconds = 15
        idle_timeout_seconds        = 300
      }
      tls {
        issuer_cert_authority {
          aws_pca_authority_arn = var.service_connect_private_ca_arn
        }
        role_arn = aws_iam_role.cluster_pay_eu_west_1_sc_tls.arn
      }
    }
  }
}

resource "aws_iam_role" "cluster_pay_eu_west_1_sc_tls" {
  provider           = aws.eu_west_1
  name_prefix        = "pay-sc-tls-"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "ecs.amazonaws.com" }, Action = "sts:AssumeRole" }] })
}

resource "aws_iam_role_policy_attachment" "cluster_pay_eu_west_1_sc_tls" {
  provider   = aws.eu_west_1
  role       = aws_iam_role.cluster_pay_eu_west_1_sc_tls.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AmazonECSInfrastructureRolePolicyForServiceConnectTransportLayerSecurity"
}

resource "aws_route53_health_check" "hc_pay_us_east_1" {
  provider          = aws.us_east_1
  type              = "HTTPS"
  fqdn              = aws_lb.alb_pay_us_east_1_public.dns_name
  port              = 443
  resource_path     = "/"
  request_interval  = 30
  failure_threshold = 3
}

resource "aws_route53_health_check" "hc_pay_eu_west_1" {
  provider          = aws.eu_west_1
  type              = "HTTPS"
  fqdn              = aws_lb.alb_pay_eu_west_1_public.dns_name
  port              = 443
  resource_path     = "/"
  request_interval  = 30
  failure_threshold = 3
}

resource "aws_route53_record" "global_pay_0" {
  provider        = aws.us_east_1
  zone_id         = var.hosted_zone_id
  name            = "api.pay.example.com"
  type            = "A"
  set_identifier  = "us-east-1"
  health_check_id = aws_route53_health_check.hc_pay_us_east_1.id
  alias {
    name                   = aws_lb.alb_pay_us_east_1_public.dns_name
    zone_id                = aws_lb.alb_pay_us_east_1_public.zone_id
    evaluate_target_health = true
  }
  latency_routing_policy {
    region = "us-east-1"
  }
}

resource "aws_route53_record" "global_pay_1" {
  provider        = aws.eu_west_1
  zone_id         = var.hosted_zone_id
  name            = "api.pay.example.com"
  type            = "A"
  set_identifier  = "eu-west-1"
  health_check_id = aws_route53_health_check.hc_pay_eu_west_1.id
  alias {
    name                   = aws_lb.alb_pay_eu_west_1_public.dns_name
    zone_id                = aws_lb.alb_pay_eu_west_1_public.zone_id
    evaluate_target_health = true
  }
  latency_routing_policy {
    region = "eu-west-1"
  }
}
