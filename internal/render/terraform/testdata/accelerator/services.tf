resource "aws_service_discovery_private_dns_namespace" "ns_edge_us_east_1" {
  provider = aws.us_east_1
  name     = "edge.local"
  vpc      = aws_vpc.vpc_edge_us_east_1.id
}

resource "aws_service_discovery_private_dns_namespace" "ns_edge_ap_southeast_2" {
  provider = aws.ap_southeast_2
  name     = "edge.local"
  vpc      = aws_vpc.vpc_edge_ap_southeast_2.id
}

resource "aws_iam_role" "role_api_us_east_1" {
  provider           = aws.us_east_1
  name_prefix        = "edge-api-"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "ecs-tasks.amazonaws.com" }, Action = "sts:AssumeRole" }] })
}

resource "aws_iam_role" "role_api_ap_southeast_2" {
  provider           = aws.ap_southeast_2
  name_prefix        = "edge-api-"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "ecs-tasks.amazonaws.com" }, Action = "sts:AssumeRole" }] })
}

resource "aws_iam_role" "role_web_us_east_1" {
  provider           = aws.us_east_1
  name_prefix        = "edge-web-"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "ecs-tasks.amazonaws.com" }, Action = "sts:AssumeRole" }] })
}

resource "aws_iam_role" "role_web_ap_southeast_2" {
  provider           = aws.ap_southeast_2
  name_prefix        = "edge-web-"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "ecs-tasks.amazonaws.com" }, Action = "sts:AssumeRole" }] })
}

resource "aws_ecs_cluster" "cluster_edge_us_east_1" {
  provider = aws.us_east_1
  name     = "edge"
  setting {
    name  = "containerInsights"
    value = "enabled"
  }
  service_connect_defaults {
    namespace = aws_service_discovery_private_dns_namespace.ns_edge_us_east_1.arn
  }
}

resource "aws_cloudwatch_log_group" "cluster_edge_us_east_1" {
  provider          = aws.us_east_1
  name              = "/netwright/edge/tasks"
  retention_in_days = 30
}

resource "aws_iam_role" "cluster_edge_us_east_1_execution" {
  provider           = aws.us_east_1
  name_prefix        = "edge-exec-"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "ecs-tasks.amazonaws.com" }, Action = "sts:AssumeRole" }] })
}

resource "aws_iam_role_policy_attachment" "cluster_edge_us_east_1_execution" {
  provider   = aws.us_east_1
  role       = aws_iam_role.cluster_edge_us_east_1_execution.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
}

resource "aws_ecs_task_definition" "ecs_api_us_east_1" {
  provider                 = aws.us_east_1
  family                   = "edge-api"
  network_mode             = "awsvpc"
  requires_compatibilities = ["FARGATE"]
  cpu                      = "256"
  memory                   = "512"
  execution_role_arn       = aws_iam_role.cluster_edge_us_east_1_execution.arn
  task_role_arn            = aws_iam_role.role_api_us_east_1.arn
  container_definitions    = jsonencode([{ name = "api", image = var.api_image, essential = true, portMappings = [{ name = "api", containerPort = 9090, protocol = "tcp", appProtocol = "grpc" }], logConfiguration = { logDriver = "awslogs", options = { "awslogs-group" = aws_cloudwatch_log_group.cluster_edge_us_east_1.name, "awslogs-region" = "us-east-1", "awslogs-stream-prefix" = "api" } } }])
}

resource "aws_ecs_service" "ecs_api_us_east_1" {
  provider                           = aws.us_east_1
  name                               = "api"
  cluster                            = aws_ecs_cluster.cluster_edge_us_east_1.id
  task_definition                    = aws_ecs_task_definition.ecs_api_us_east_1.arn
  desired_count                      = 2
  launch_type                        = "FARGATE"
  deployment_maximum_percent         = 200
  deployment_minimum_healthy_percent = 100
  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }
  network_configuration {
    subnets          = [aws_subnet.subnet_edge_us_east_1_app_a.id, aws_subnet.subnet_edge_us_east_1_app_b.id]
    security_groups  = [aws_security_group.sg_edge_us_east_1_api.id]
    assign_public_ip = false
  }
  service_connect_configuration {
    enabled   = true
    namespace = aws_service_discovery_private_dns_namespace.ns_edge_us_east_1.arn
    service {
      port_name      = "api"
      discovery_name = "api"
      client_alias {
        port     = 9090
        dns_name = "api.edge.local"
      }
      timeout {
        per_request_timeout_seconds = 15
        idle_timeout_seconds        = 300
      }
      tls {
        issuer_cert_authority {
          aws_pca_authority_arn = var.service_connect_private_ca_arn
        }
        role_arn = aws_iam_role.cluster_edge_us_east_1_sc_tls.arn
      }
    }
  }
}

resource "aws_iam_role" "cluster_edge_us_east_1_sc_tls" {
  provider           = aws.us_east_1
  name_prefix        = "edge-sc-tls-"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "ecs.amazonaws.com" }, Action = "sts:AssumeRole" }] })
}

resource "aws_iam_role_policy_attachment" "cluster_edge_us_east_1_sc_tls" {
  provider   = aws.us_east_1
  role       = aws_iam_role.cluster_edge_us_east_1_sc_tls.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AmazonECSInfrastructureRolePolicyForServiceConnectTransportLayerSecurity"
}

resource "aws_ecs_task_definition" "ecs_web_us_east_1" {
  provider                 = aws.us_east_1
  family                   = "edge-web"
  network_mode             = "awsvpc"
  requires_compatibilities = ["FARGATE"]
  cpu                      = "256"
  memory                   = "512"
  execution_role_arn       = aws_iam_role.cluster_edge_us_east_1_execution.arn
  task_role_arn            = aws_iam_role.role_web_us_east_1.arn
  container_definitions    = jsonencode([{ name = "web", image = var.web_image, essential = true, portMappings = [{ name = "web", containerPort = 8080, protocol = "tcp", appProtocol = "http" }], environment = [{ name = "API_ADDR", value = "api.edge.local:9090" }], logConfiguration = { logDriver = "awslogs", options = { "awslogs-group" = aws_cloudwatch_log_group.cluster_edge_us_east_1.name, "awslogs-region" = "us-east-1", "awslogs-stream-prefix" = "web" } } }])
}

resource "aws_ecs_service" "ecs_web_us_east_1" {
  provider                           = aws.us_east_1
  name                               = "web"
  cluster                            = aws_ecs_cluster.cluster_edge_us_east_1.id
  task_definition                    = aws_ecs_task_definition.ecs_web_us_east_1.arn
  desired_count                      = 2
  launch_type                        = "FARGATE"
  deployment_maximum_percent         = 200
  deployment_minimum_healthy_percent = 100
  health_check_grace_period_seconds  = 60
  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }
  network_configuration {
    subnets          = [aws_subnet.subnet_edge_us_east_1_app_a.id, aws_subnet.subnet_edge_us_east_1_app_b.id]
    security_groups  = [aws_security_group.sg_edge_us_east_1_web.id]
    assign_public_ip = false
  }
  load_balancer {
    container_name   = "web"
    container_port   = 8080
    target_group_arn = aws_lb_target_group.tg_edge_us_east_1_web_8080.arn
  }
  service_connect_configuration {
    enabled   = true
    namespace = aws_service_discovery_private_dns_namespace.ns_edge_us_east_1.arn
  }
  depends_on = [aws_lb_listener.alb_edge_us_east_1_public_https, aws_ecs_service.ecs_api_us_east_1]
}

resource "aws_ecs_cluster" "cluster_edge_ap_southeast_2" {
  provider = aws.ap_southeast_2
  name     = "edge"
  setting {
    name  = "containerInsights"
    value = "enabled"
  }
  service_connect_defaults {
    namespace = aws_service_discovery_private_dns_namespace.ns_edge_ap_southeast_2.arn
  }
}

resource "aws_cloudwatch_log_group" "cluster_edge_ap_southeast_2" {
  provider          = aws.ap_southeast_2
  name              = "/netwright/edge/tasks"
  retention_in_days = 30
}

resource "aws_iam_role" "cluster_edge_ap_southeast_2_execution" {
  provider           = aws.ap_southeast_2
  name_prefix        = "edge-exec-"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "ecs-tasks.amazonaws.com" }, Action = "sts:AssumeRole" }] })
}

resource "aws_iam_role_policy_attachment" "cluster_edge_ap_southeast_2_execution" {
  provider   = aws.ap_southeast_2
  role       = aws_iam_role.cluster_edge_ap_southeast_2_execution.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
}

resource "aws_ecs_task_definition" "ecs_api_ap_southeast_2" {
  provider                 = aws.ap_southeast_2
  family                   = "edge-api"
  network_mode             = "awsvpc"
  requires_compatibilities = ["FARGATE"]
  cpu                      = "256"
  memory                   = "512"
  execution_role_arn       = aws_iam_role.cluster_edge_ap_southeast_2_execution.arn
  task_role_arn            = aws_iam_role.role_api_ap_southeast_2.arn
  container_definitions    = jsonencode([{ name = "api", image = var.api_image, essential = true, portMappings = [{ name = "api", containerPort = 9090, protocol = "tcp", appProtocol = "grpc" }], logConfiguration = { logDriver = "awslogs", options = { "awslogs-group" = aws_cloudwatch_log_group.cluster_edge_ap_southeast_2.name, "awslogs-region" = "ap-southeast-2", "awslogs-stream-prefix" = "api" } } }])
}

resource "aws_ecs_service" "ecs_api_ap_southeast_2" {
  provider                           = aws.ap_southeast_2
  name                               = "api"
  cluster                            = aws_ecs_cluster.cluster_edge_ap_southeast_2.id
  task_definition                    = aws_ecs_task_definition.ecs_api_ap_southeast_2.arn
  desired_count                      = 2
  launch_type                        = "FARGATE"
  deployment_maximum_percent         = 200
  deployment_minimum_healthy_percent = 100
  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }
  network_configuration {
    subnets          = [aws_subnet.subnet_edge_ap_southeast_2_app_a.id, aws_subnet.subnet_edge_ap_southeast_2_app_b.id]
    security_groups  = [aws_security_group.sg_edge_ap_southeast_2_api.id]
    assign_public_ip = false
  }
  service_connect_configuration {
    enabled   = true
    namespace = aws_service_discovery_private_dns_namespace.ns_edge_ap_southeast_2.arn
    service {
      port_name      = "api"
      discovery_name = "api"
      client_alias {
        port     = 9090
        dns_name = "api.edge.local"
      }
      timeout {
        per_request_timeout_seconds = 15
        idle_timeout_seconds        = 300
      }
      tls {
        issuer_cert_authority {
          aws_pca_authority_arn = var.service_connect_private_ca_arn
        }
        role_arn = aws_iam_role.cluster_edge_ap_southeast_2_sc_tls.arn
      }
    }
  }
}

resource "aws_iam_role" "cluster_edge_ap_southeast_2_sc_tls" {
  provider           = aws.ap_southeast_2
  name_prefix        = "edge-sc-tls-"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "ecs.amazonaws.com" }, Action = "sts:AssumeRole" }] })
}

resource "aws_iam_role_policy_attachment" "cluster_edge_ap_southeast_2_sc_tls" {
  provider   = aws.ap_southeast_2
  role       = aws_iam_role.cluster_edge_ap_southeast_2_sc_tls.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AmazonECSInfrastructureRolePolicyForServiceConnectTransportLayerSecurity"
}

resource "aws_ecs_task_definition" "ecs_web_ap_southeast_2" {
  provider                 = aws.ap_southeast_2
  family                   = "edge-web"
  network_mode             = "awsvpc"
  requires_compatibilities = ["FARGATE"]
  cpu                      = "256"
  memory                   = "512"
  execution_role_arn       = aws_iam_role.cluster_edge_ap_southeast_2_execution.arn
  task_role_arn            = aws_iam_role.role_web_ap_southeast_2.arn
  container_definitions    = jsonencode([{ name = "web", image = var.web_image, essential = true, portMappings = [{ name = "web", containerPort = 8080, protocol = "tcp", appProtocol = "http" }], environment = [{ name = "API_ADDR", value = "api.edge.local:9090" }], logConfiguration = { logDriver = "awslogs", options = { "awslogs-group" = aws_cloudwatch_log_group.cluster_edge_ap_southeast_2.name, "awslogs-region" = "ap-southeast-2", "awslogs-stream-prefix" = "web" } } }])
}

resource "aws_ecs_service" "ecs_web_ap_southeast_2" {
  provider                           = aws.ap_southeast_2
  name                               = "web"
  cluster                            = aws_ecs_cluster.cluster_edge_ap_southeast_2.id
  task_definition                    = aws_ecs_task_definition.ecs_web_ap_southeast_2.arn
  desired_count                      = 2
  launch_type                        = "FARGATE"
  deployment_maximum_percent         = 200
  deployment_minimum_healthy_percent = 100
  health_check_grace_period_seconds  = 60
  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }
  network_configuration {
    subnets          = [aws_subnet.subnet_edge_ap_southeast_2_app_a.id, aws_subnet.subnet_edge_ap_southeast_2_app_b.id]
    security_groups  = [aws_security_group.sg_edge_ap_southeast_2_web.id]
    assign_public_ip = false
  }
  load_balancer {
    container_name   = "web"
    container_port   = 8080
    target_group_arn = aws_lb_target_group.tg_edge_ap_southeast_2_web_8080.arn
  }
  service_connect_configuration {
    enabled   = true
    namespace = aws_service_discovery_private_dns_namespace.ns_edge_ap_southeast_2.arn
  }
  depends_on = [aws_lb_listener.alb_edge_ap_southeast_2_public_https, aws_ecs_service.ecs_api_ap_southeast_2]
}

resource "aws_globalaccelerator_accelerator" "ga_edge" {
  provider        = aws.us_west_2
  name            = "edge-global"
  ip_address_type = "IPV4"
  enabled         = true
  tags = {
    Name = "edge-global"
  }
}

resource "aws_globalaccelerator_listener" "ga_edge_80" {
  provider        = aws.us_west_2
  accelerator_arn = aws_globalaccelerator_accelerator.ga_edge.id
  protocol        = "TCP"
  client_affinity = "NONE"
  port_range {
    from_port = 80
    to_port   = 80
  }
}

resource "aws_globalaccelerator_endpoint_group" "ga_edge_80_us_east_1" {
  provider                = aws.us_west_2
  listener_arn            = aws_globalaccelerator_listener.ga_edge_80.id
  endpoint_group_region   = "us-east-1"
  traffic_dial_percentage = 100
  endpoint_configuration {
    endpoint_id                    = aws_lb.alb_edge_us_east_1_public.arn
    client_ip_preservation_enabled = true
  }
}

resource "aws_globalaccelerator_endpoint_group" "ga_edge_80_ap_southeast_2" {
  provider                = aws.us_west_2
  listener_arn            = aws_globalaccelerator_listener.ga_edge_80.id
  endpoint_group_region   = "ap-southeast-2"
  traffic_dial_percentage = 33
  endpoint_configuration {
    endpoint_id                    = aws_lb.alb_edge_ap_southeast_2_public.arn
    client_ip_preservation_enabled = true
  }
}

resource "aws_globalaccelerator_listener" "ga_edge_443" {
  provider        = aws.us_west_2
  accelerator_arn = aws_globalaccelerator_accelerator.ga_edge.id
  protocol        = "TCP"
  client_affinity = "NONE"
  port_range {
    from_port = 443
    to_port   = 443
  }
}

resource "aws_globalaccelerator_endpoint_group" "ga_edge_443_us_east_1" {
  provider                = aws.us_west_2
  listener_arn            = aws_globalaccelerator_listener.ga_edge_443.id
  endpoint_group_region   = "us-east-1"
  traffic_dial_percentage = 100
  endpoint_configuration {
    endpoint_id                    = aws_lb.alb_edge_us_east_1_public.arn
    client_ip_preservation_enabled = true
  }
}

resource "aws_globalaccelerator_endpoint_group" "ga_edge_443_ap_southeast_2" {
  provider                = aws.us_west_2
  listener_arn            = aws_globalaccelerator_listener.ga_edge_443.id
  endpoint_group_region   = "ap-southeast-2"
  traffic_dial_percentage = 33
  endpoint_configuration {
    endpoint_id                    = aws_lb.alb_edge_ap_southeast_2_public.arn
    client_ip_preservation_enabled = true
  }
}

resource "aws_route53_record" "global_edge_0" {
  provider = aws.us_west_2
  zone_id  = var.hosted_zone_id
  name     = "edge.example.com"
  type     = "A"
  alias {
    name                   = aws_globalaccelerator_accelerator.ga_edge.dns_name
    zone_id                = aws_globalaccelerator_accelerator.ga_edge.hosted_zone_id
    evaluate_target_health = true
  }
}
