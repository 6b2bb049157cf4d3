resource "aws_service_discovery_private_dns_namespace" "ns_portal" {
  name = "portal.local"
  vpc  = aws_vpc.vpc_portal.id
}

resource "aws_route53_zone_association" "ns_portal_vpc_portal_shared" {
  zone_id = aws_service_discovery_private_dns_namespace.ns_portal.hosted_zone
  vpc_id  = aws_vpc.vpc_portal_shared.id
}

resource "aws_route53_zone_association" "ns_portal_vpc_portal_hub" {
  zone_id = aws_service_discovery_private_dns_namespace.ns_portal.hosted_zone
  vpc_id  = aws_vpc.vpc_portal_hub.id
}

resource "aws_iam_role" "role_firewall_us_west_2" {
  name_prefix        = "portal-firewall-"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "ecs-tasks.amazonaws.com" }, Action = "sts:AssumeRole" }] })
}

resource "aws_iam_role" "role_identity_us_west_2" {
  name_prefix        = "portal-identity-"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "ecs-tasks.amazonaws.com" }, Action = "sts:AssumeRole" }] })
}

resource "aws_iam_role" "role_portal_us_west_2" {
  name_prefix        = "portal-portal-"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "ecs-tasks.amazonaws.com" }, Action = "sts:AssumeRole" }] })
}

resource "aws_iam_role" "role_reports_us_west_2" {
  name_prefix        = "portal-reports-"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "ecs-tasks.amazonaws.com" }, Action = "sts:AssumeRole" }] })
}

resource "aws_ecs_cluster" "cluster_portal_us_west_2" {
  name = "portal"
  setting {
    name  = "containerInsights"
    value = "enabled"
  }
  service_connect_defaults {
    namespace = aws_service_discovery_private_dns_namespace.ns_portal.arn
  }
}

resource "aws_cloudwatch_log_group" "cluster_portal_us_west_2" {
  name              = "/netwright/portal/tasks"
  retention_in_days = 30
}

resource "aws_iam_role" "cluster_portal_us_west_2_execution" {
  name_prefix        = "portal-exec-"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "ecs-tasks.amazonaws.com" }, Action = "sts:AssumeRole" }] })
}

resource "aws_iam_role_policy_attachment" "cluster_portal_us_west_2_execution" {
  role       = aws_iam_role.cluster_portal_us_west_2_execution.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
}

resource "aws_ecs_task_definition" "ecs_firewall_us_west_2" {
  family                   = "portal-firewall"
  network_mode             = "awsvpc"
  requires_compatibilities = ["FARGATE"]
  cpu                      = "256"
  memory                   = "512"
  execution_role_arn       = aws_iam_role.cluster_portal_us_west_2_execution.arn
  task_role_arn            = aws_iam_role.role_firewall_us_west_2.arn
  container_definitions    = jsonencode([{ name = "firewall", image = var.firewall_image, essential = true, portMappings = [{ name = "firewall", containerPort = 6081, protocol = "udp" }, { name = "firewall-health-80", containerPort = 80, protocol = "tcp" }], logConfiguration = { logDriver = "awslogs", options = { "awslogs-group" = aws_cloudwatch_log_group.cluster_portal_us_west_2.name, "awslogs-region" = "us-west-2", "awslogs-stream-prefix" = "firewall" } } }])
}

resource "aws_ecs_service" "ecs_firewall_us_west_2" {
  name                               = "firewall"
  cluster                            = aws_ecs_cluster.cluster_portal_us_west_2.id
  task_definition                    = aws_ecs_task_definition.ecs_firewall_us_west_2.arn
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
    subnets          = [aws_subnet.subnet_portal_hub_inspection_a.id, aws_subnet.subnet_portal_hub_inspection_b.id]
    security_groups  = [aws_security_group.sg_portal_hub_firewall.id]
    assign_public_ip = false
  }
  load_balancer {
    container_name   = "firewall"
    container_port   = 6081
    target_group_arn = aws_lb_target_group.tg_portal_hub_firewall_6081.arn
  }
  depends_on = [aws_lb_listener.gwlb_portal_hub_geneve]
}

resource "aws_ecs_task_definition" "ecs_identity_us_west_2" {
  family                   = "portal-identity"
  network_mode             = "awsvpc"
  requires_compatibilities = ["FARGATE"]
  cpu                      = "256"
  memory                   = "512"
  execution_role_arn       = aws_iam_role.cluster_portal_us_west_2_execution.arn
  task_role_arn            = aws_iam_role.role_identity_us_west_2.arn
  container_definitions    = jsonencode([{ name = "identity", image = var.identity_image, essential = true, portMappings = [{ name = "identity", containerPort = 8443, protocol = "tcp", appProtocol = "http" }], logConfiguration = { logDriver = "awslogs", options = { "awslogs-group" = aws_cloudwatch_log_group.cluster_portal_us_west_2.name, "awslogs-region" = "us-west-2", "awslogs-stream-prefix" = "identity" } } }])
}

resource "aws_ecs_service" "ecs_identity_us_west_2" {
  name                               = "identity"
  cluster                            = aws_ecs_cluster.cluster_portal_us_west_2.id
  task_definition                    = aws_ecs_task_definition.ecs_identity_us_west_2.arn
  desired_count                      = 2
  launch_type                        = "FARGATE"
  deployment_maximum_percent         = 200
  deployment_minimum_healthy_percent = 100
  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }
  network_configuration {
    subnets          = [aws_subnet.subnet_portal_shared_app_a.id, aws_subnet.subnet_portal_shared_app_b.id]
    security_groups  = [aws_security_group.sg_portal_shared_identity.id]
    assign_public_ip = false
  }
  service_connect_configuration {
    enabled   = true
    namespace = aws_service_discovery_private_dns_namespace.ns_portal.arn
    service {
      port_name      = "identity"
      discovery_name = "identity"
      client_alias {
        port     = 8443
        dns_name = "identity.portal.local"
      }
      timeout {
        per_request_timeout_seconds = 15
        idle_timeout_seconds        = 300
      }
      tls {
        issuer_cert_authority {
          aws_pca_authority_arn = var.service_connect_private_ca_arn
        }
        role_arn = aws_iam_role.cluster_portal_us_west_2_sc_tls.arn
      }
    }
  }
}

resource "aws_iam_role" "cluster_portal_us_west_2_sc_tls" {
  name_prefix        = "portal-sc-tls-"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "ecs.amazonaws.com" }, Action = "sts:AssumeRole" }] })
}

resource "aws_iam_role_policy_attachment" "cluster_portal_us_west_2_sc_tls" {
  role       = aws_iam_role.cluster_portal_us_west_2_sc_tls.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AmazonECSInfrastructureRolePolicyForServiceConnectTransportLayerSecurity"
}

resource "aws_ecs_task_definition" "ecs_portal_us_west_2" {
  family                   = "portal-portal"
  network_mode             = "awsvpc"
  requires_compatibilities = ["FARGATE"]
  cpu                      = "256"
  memory                   = "512"
  execution_role_arn       = aws_iam_role.cluster_portal_us_west_2_execution.arn
  task_role_arn            = aws_iam_role.role_portal_us_west_2.arn
  container_definitions    = jsonencode([{ name = "portal", image = var.portal_image, essential = true, portMappings = [{ name = "portal", containerPort = 8080, protocol = "tcp", appProtocol = "http" }], environment = [{ name = "IDENTITY_ADDR", value = "identity.portal.local:8443" }, { name = "REPORTS_ADDR", value = "reports.portal.local:8080" }], logConfiguration = { logDriver = "awslogs", options = { "awslogs-group" = aws_cloudwatch_log_group.cluster_portal_us_west_2.name, "awslogs-region" = "us-west-2", "awslogs-stream-prefix" = "portal" } } }])
}

resource "aws_ecs_service" "ecs_portal_us_west_2" {
  name                               = "portal"
  cluster                            = aws_ecs_cluster.cluster_portal_us_west_2.id
  task_definition                    = aws_ecs_task_definition.ecs_portal_us_west_2.arn
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
    subnets          = [aws_subnet.subnet_portal_app_a.id, aws_subnet.subnet_portal_app_b.id]
    security_groups  = [aws_security_group.sg_portal_portal.id]
    assign_public_ip = false
  }
  load_balancer {
    container_name   = "portal"
    container_port   = 8080
    target_group_arn = aws_lb_target_group.tg_portal_portal_8080.arn
  }
  service_connect_configuration {
    enabled   = true
    namespace = aws_service_discovery_private_dns_namespace.ns_portal.arn
  }
  depends_on = [aws_lb_listener.alb_portal_public_https, aws_ecs_service.ecs_identity_us_west_2, aws_ecs_service.ecs_reports_us_west_2]
}

resource "aws_ecs_task_definition" "ecs_reports_us_west_2" {
  family                   = "portal-reports"
  network_mode             = "awsvpc"
  requires_compatibilities = ["FARGATE"]
  cpu                      = "256"
  memory                   = "512"
  execution_role_arn       = aws_iam_role.cluster_portal_us_west_2_execution.arn
  task_role_arn            = aws_iam_role.role_reports_us_west_2.arn
  container_definitions    = jsonencode([{ name = "reports", image = var.reports_image, essential = true, portMappings = [{ name = "reports", containerPort = 8080, protocol = "tcp", appProtocol = "http" }], logConfiguration = { logDriver = "awslogs", options = { "awslogs-group" = aws_cloudwatch_log_group.cluster_portal_us_west_2.name, "awslogs-region" = "us-west-2", "awslogs-stream-prefix" = "reports" } } }])
}

resource "aws_ecs_service" "ecs_reports_us_west_2" {
  name                               = "reports"
  cluster                            = aws_ecs_cluster.cluster_portal_us_west_2.id
  task_definition                    = aws_ecs_task_definition.ecs_reports_us_west_2.arn
  desired_count                      = 2
  launch_type                        = "FARGATE"
  deployment_maximum_percent         = 200
  deployment_minimum_healthy_percent = 100
  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }
  network_configuration {
    subnets          = [aws_subnet.subnet_portal_app_a.id, aws_subnet.subnet_portal_app_b.id]
    security_groups  = [aws_security_group.sg_portal_reports.id]
    assign_public_ip = false
  }
  service_connect_configuration {
    enabled   = true
    namespace = aws_service_discovery_private_dns_namespace.ns_portal.arn
    service {
      port_name      = "reports"
      discovery_name = "reports"
      client_alias {
        port     = 8080
        dns_name = "reports.portal.local"
      }
      timeout {
        per_request_timeout_seconds = 15
        idle_timeout_seconds        = 300
      }
      tls {
        issuer_cert_authority {
          aws_pca_authority_arn = var.service_connect_private_ca_arn
        }
        role_arn = aws_iam_role.cluster_portal_us_west_2_sc_tls.arn
      }
    }
  }
}
