resource "aws_service_discovery_private_dns_namespace" "ns_big" {
  name = "big.local"
  vpc  = aws_vpc.vpc_big.id
}

resource "aws_iam_role" "role_w0_us_east_1" {
  name_prefix        = "big-w0-"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "ecs-tasks.amazonaws.com" }, Action = "sts:AssumeRole" }] })
}

resource "aws_iam_role" "role_w1_us_east_1" {
  name_prefix        = "big-w1-"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "ecs-tasks.amazonaws.com" }, Action = "sts:AssumeRole" }] })
}

resource "aws_iam_role" "role_w2_us_east_1" {
  name_prefix        = "big-w2-"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "ecs-tasks.amazonaws.com" }, Action = "sts:AssumeRole" }] })
}

resource "aws_iam_role" "role_w3_us_east_1" {
  name_prefix        = "big-w3-"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "ecs-tasks.amazonaws.com" }, Action = "sts:AssumeRole" }] })
}

resource "aws_iam_role" "role_w4_us_east_1" {
  name_prefix        = "big-w4-"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "ecs-tasks.amazonaws.com" }, Action = "sts:AssumeRole" }] })
}

resource "aws_iam_role" "role_w5_us_east_1" {
  name_prefix        = "big-w5-"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "ecs-tasks.amazonaws.com" }, Action = "sts:AssumeRole" }] })
}

resource "aws_iam_role" "role_web_us_east_1" {
  name_prefix        = "big-web-"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "ecs-tasks.amazonaws.com" }, Action = "sts:AssumeRole" }] })
}

resource "aws_ecs_cluster" "cluster_big_us_east_1" {
  name = "big"
  setting {
    name  = "containerInsights"
    value = "enabled"
  }
  service_connect_defaults {
    namespace = aws_service_discovery_private_dns_namespace.ns_big.arn
  }
}

resource "aws_cloudwatch_log_group" "cluster_big_us_east_1" {
  name              = "/netwright/big/tasks"
  retention_in_days = 30
}

resource "aws_iam_role" "cluster_big_us_east_1_execution" {
  name_prefix        = "big-exec-"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "ecs-tasks.amazonaws.com" }, Action = "sts:AssumeRole" }] })
}

resource "aws_iam_role_policy_attachment" "cluster_big_us_east_1_execution" {
  role       = aws_iam_role.cluster_big_us_east_1_execution.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
}

resource "aws_ecs_task_definition" "ecs_w0_us_east_1" {
  family                   = "big-w0"
  network_mode             = "awsvpc"
  requires_compatibilities = ["FARGATE"]
  cpu                      = "256"
  memory                   = "512"
  execution_role_arn       = aws_iam_role.cluster_big_us_east_1_execution.arn
  task_role_arn            = aws_iam_role.role_w0_us_east_1.arn
  container_definitions    = jsonencode([{ name = "w0", image = var.w0_image, essential = true, portMappings = [{ name = "w0", containerPort = 9000, protocol = "tcp", appProtocol = "http" }], logConfiguration = { logDriver = "awslogs", options = { "awslogs-group" = aws_cloudwatch_log_group.cluster_big_us_east_1.name, "awslogs-region" = "us-east-1", "awslogs-stream-prefix" = "w0" } } }])
}

resource "aws_ecs_service" "ecs_w0_us_east_1" {
  name                               = "w0"
  cluster                            = aws_ecs_cluster.cluster_big_us_east_1.id
  task_definition                    = aws_ecs_task_definition.ecs_w0_us_east_1.arn
  desired_count                      = 3
  launch_type                        = "FARGATE"
  deployment_maximum_percent         = 200
  deployment_minimum_healthy_percent = 100
  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }
  network_configuration {
    subnets          = [aws_subnet.subnet_big_app_a.id, aws_subnet.subnet_big_app_b.id, aws_subnet.subnet_big_app_c.id]
    security_groups  = [aws_security_group.sg_big_w0.id]
    assign_public_ip = false
  }
  service_connect_configuration {
    enabled   = true
    namespace = aws_service_discovery_private_dns_namespace.ns_big.arn
    service {
      port_name      = "w0"
      discovery_name = "w0"
      client_alias {
        port     = 9000
        dns_name = "w0.big.local"
      }
      timeout {
        per_request_timeout_seconds = 15
        idle_timeout_seconds        = 300
      }
      tls {
        issuer_cert_authority {
          aws_pca_authority_arn = var.service_connect_private_ca_arn
        }
        role_arn = aws_iam_role.cluster_big_us_east_1_sc_tls.arn
      }
    }
  }
}

resource "aws_iam_role" "cluster_big_us_east_1_sc_tls" {
  name_prefix        = "big-sc-tls-"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "ecs.amazonaws.com" }, Action = "sts:AssumeRole" }] })
}

resource "aws_iam_role_policy_attachment" "cluster_big_us_east_1_sc_tls" {
  role       = aws_iam_role.cluster_big_us_east_1_sc_tls.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AmazonECSInfrastructureRolePolicyForServiceConnectTransportLayerSecurity"
}

resource "aws_ecs_task_definition" "ecs_w1_us_east_1" {
  family                   = "big-w1"
  network_mode             = "awsvpc"
  requires_compatibilities = ["FARGATE"]
  cpu                      = "256"
  memory                   = "512"
  execution_role_arn       = aws_iam_role.cluster_big_us_east_1_execution.arn
  task_role_arn            = aws_iam_role.role_w1_us_east_1.arn
  container_definitions    = jsonencode([{ name = "w1", image = var.w1_image, essential = true, portMappings = [{ name = "w1", containerPort = 9001, protocol = "tcp", appProtocol = "http" }], logConfiguration = { logDriver = "awslogs", options = { "awslogs-group" = aws_cloudwatch_log_group.cluster_big_us_east_1.name, "awslogs-region" = "us-east-1", "awslogs-stream-prefix" = "w1" } } }])
}

resource "aws_ecs_service" "ecs_w1_us_east_1" {
  name                               = "w1"
  cluster                            = aws_ecs_cluster.cluster_big_us_east_1.id
  task_definition                    = aws_ecs_task_definition.ecs_w1_us_east_1.arn
  desired_count                      = 3
  launch_type                        = "FARGATE"
  deployment_maximum_percent         = 200
  deployment_minimum_healthy_percent = 100
  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }
  network_configuration {
    subnets          = [aws_subnet.subnet_big_app_a.id, aws_subnet.subnet_big_app_b.id, aws_subnet.subnet_big_app_c.id]
    security_groups  = [aws_security_group.sg_big_w1.id]
    assign_public_ip = false
  }
  service_connect_configuration {
    enabled   = true
    namespace = aws_service_discovery_private_dns_namespace.ns_big.arn
    service {
      port_name      = "w1"
      discovery_name = "w1"
      client_alias {
        port     = 9001
        dns_name = "w1.big.local"
      }
      timeout {
        per_request_timeout_seconds = 15
        idle_timeout_seconds        = 300
      }
      tls {
        issuer_cert_authority {
          aws_pca_authority_arn = var.service_connect_private_ca_arn
        }
        role_arn = aws_iam_role.cluster_big_us_east_1_sc_tls.arn
      }
    }
  }
}

resource "aws_ecs_task_definition" "ecs_w2_us_east_1" {
  family                   = "big-w2"
  network_mode             = "awsvpc"
  requires_compatibilities = ["FARGATE"]
  cpu                      = "256"
  memory                   = "512"
  execution_role_arn       = aws_iam_role.cluster_big_us_east_1_execution.arn
  task_role_arn            = aws_iam_role.role_w2_us_east_1.arn
  container_definitions    = jsonencode([{ name = "w2", image = var.w2_image, essential = true, portMappings = [{ name = "w2", containerPort = 9002, protocol = "tcp", appProtocol = "http" }], logConfiguration = { logDriver = "awslogs", options = { "awslogs-group" = aws_cloudwatch_log_group.cluster_big_us_east_1.name, "awslogs-region" = "us-east-1", "awslogs-stream-prefix" = "w2" } } }])
}

resource "aws_ecs_service" "ecs_w2_us_east_1" {
  name                               = "w2"
  cluster                            = aws_ecs_cluster.cluster_big_us_east_1.id
  task_definition                    = aws_ecs_task_definition.ecs_w2_us_east_1.arn
  desired_count                      = 3
  launch_type                        = "FARGATE"
  deployment_maximum_percent         = 200
  deployment_minimum_healthy_percent = 100
  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }
  network_configuration {
    subnets          = [aws_subnet.subnet_big_app_a.id, aws_subnet.subnet_big_app_b.id, aws_subnet.subnet_big_app_c.id]
    security_groups  = [aws_security_group.sg_big_w2.id]
    assign_public_ip = false
  }
  service_connect_configuration {
    enabled   = true
    namespace = aws_service_discovery_private_dns_namespace.ns_big.arn
    service {
      port_name      = "w2"
      discovery_name = "w2"
      client_alias {
        port     = 9002
        dns_name = "w2.big.local"
      }
      timeout {
        per_request_timeout_seconds = 15
        idle_timeout_seconds        = 300
      }
      tls {
        issuer_cert_authority {
          aws_pca_authority_arn = var.service_connect_private_ca_arn
        }
        role_arn = aws_iam_role.cluster_big_us_east_1_sc_tls.arn
      }
    }
  }
}

resource "aws_ecs_task_definition" "ecs_w3_us_east_1" {
  family                   = "big-w3"
  network_mode             = "awsvpc"
  requires_compatibilities = ["FARGATE"]
  cpu                      = "256"
  memory                   = "512"
  execution_role_arn       = aws_iam_role.cluster_big_us_east_1_execution.arn
  task_role_arn            = aws_iam_role.role_w3_us_east_1.arn
  container_definitions    = jsonencode([{ name = "w3", image = var.w3_image, essential = true, portMappings = [{ name = "w3", containerPort = 9003, protocol = "tcp", appProtocol = "http" }], logConfiguration = { logDriver = "awslogs", options = { "awslogs-group" = aws_cloudwatch_log_group.cluster_big_us_east_1.name, "awslogs-region" = "us-east-1", "awslogs-stream-prefix" = "w3" } } }])
}

resource "aws_ecs_service" "ecs_w3_us_east_1" {
  name                               = "w3"
  cluster                            = aws_ecs_cluster.cluster_big_us_east_1.id
  task_definition                    = aws_ecs_task_definition.ecs_w3_us_east_1.arn
  desired_count                      = 3
  launch_type                        = "FARGATE"
  deployment_maximum_percent         = 200
  deployment_minimum_healthy_percent = 100
  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }
  network_configuration {
    subnets          = [aws_subnet.subnet_big_app_a.id, aws_subnet.subnet_big_app_b.id, aws_subnet.subnet_big_app_c.id]
    security_groups  = [aws_security_group.sg_big_w3.id]
    assign_public_ip = false
  }
  service_connect_configuration {
    enabled   = true
    namespace = aws_service_discovery_private_dns_namespace.ns_big.arn
    service {
      port_name      = "w3"
      discovery_name = "w3"
      client_alias {
        port     = 9003
        dns_name = "w3.big.local"
      }
      timeout {
        per_request_timeout_seconds = 15
        idle_timeout_seconds        = 300
      }
      tls {
        issuer_cert_authority {
          aws_pca_authority_arn = var.service_connect_private_ca_arn
        }
        role_arn = aws_iam_role.cluster_big_us_east_1_sc_tls.arn
      }
    }
  }
}

resource "aws_ecs_task_definition" "ecs_w4_us_east_1" {
  family                   = "big-w4"
  network_mode             = "awsvpc"
  requires_compatibilities = ["FARGATE"]
  cpu                      = "256"
  memory                   = "512"
  execution_role_arn       = aws_iam_role.cluster_big_us_east_1_execution.arn
  task_role_arn            = aws_iam_role.role_w4_us_east_1.arn
  container_definitions    = jsonencode([{ name = "w4", image = var.w4_image, essential = true, portMappings = [{ name = "w4", containerPort = 9004, protocol = "tcp", appProtocol = "http" }], logConfiguration = { logDriver = "awslogs", options = { "awslogs-group" = aws_cloudwatch_log_group.cluster_big_us_east_1.name, "awslogs-region" = "us-east-1", "awslogs-stream-prefix" = "w4" } } }])
}

resource "aws_ecs_service" "ecs_w4_us_east_1" {
  name                               = "w4"
  cluster                            = aws_ecs_cluster.cluster_big_us_east_1.id
  task_definition                    = aws_ecs_task_definition.ecs_w4_us_east_1.arn
  desired_count                      = 3
  launch_type                        = "FARGATE"
  deployment_maximum_percent         = 200
  deployment_minimum_healthy_percent = 100
  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }
  network_configuration {
    subnets          = [aws_subnet.subnet_big_app_a.id, aws_subnet.subnet_big_app_b.id, aws_subnet.subnet_big_app_c.id]
    security_groups  = [aws_security_group.sg_big_w4.id]
    assign_public_ip = false
  }
  service_connect_configuration {
    enabled   = true
    namespace = aws_service_discovery_private_dns_namespace.ns_big.arn
    service {
      port_name      = "w4"
      discovery_name = "w4"
      client_alias {
        port     = 9004
        dns_name = "w4.big.local"
      }
      timeout {
        per_request_timeout_seconds = 15
        idle_timeout_seconds        = 300
      }
      tls {
        issuer_cert_authority {
          aws_pca_authority_arn = var.service_connect_private_ca_arn
        }
        role_arn = aws_iam_role.cluster_big_us_east_1_sc_tls.arn
      }
    }
  }
}

resource "aws_ecs_task_definition" "ecs_w5_us_east_1" {
  family                   = "big-w5"
  network_mode             = "awsvpc"
  requires_compatibilities = ["FARGATE"]
  cpu                      = "256"
  memory                   = "512"
  execution_role_arn       = aws_iam_role.cluster_big_us_east_1_execution.arn
  task_role_arn            = aws_iam_role.role_w5_us_east_1.arn
  container_definitions    = jsonencode([{ name = "w5", image = var.w5_image, essential = true, portMappings = [{ name = "w5", containerPort = 9005, protocol = "tcp", appProtocol = "http" }], logConfiguration = { logDriver = "awslogs", options = { "awslogs-group" = aws_cloudwatch_log_group.cluster_big_us_east_1.name, "awslogs-region" = "us-east-1", "awslogs-stream-prefix" = "w5" } } }])
}

resource "aws_ecs_service" "ecs_w5_us_east_1" {
  name                               = "w5"
  cluster                            = aws_ecs_cluster.cluster_big_us_east_1.id
  task_definition                    = aws_ecs_task_definition.ecs_w5_us_east_1.arn
  desired_count                      = 3
  launch_type                        = "FARGATE"
  deployment_maximum_percent         = 200
  deployment_minimum_healthy_percent = 100
  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }
  network_configuration {
    subnets          = [aws_subnet.subnet_big_app_a.id, aws_subnet.subnet_big_app_b.id, aws_subnet.subnet_big_app_c.id]
    security_groups  = [aws_security_group.sg_big_w5.id]
    assign_public_ip = false
  }
  service_connect_configuration {
    enabled   = true
    namespace = aws_service_discovery_private_dns_namespace.ns_big.arn
    service {
      port_name      = "w5"
      discovery_name = "w5"
      client_alias {
        port     = 9005
        dns_name = "w5.big.local"
      }
      timeout {
        per_request_timeout_seconds = 15
        idle_timeout_seconds        = 300
      }
      tls {
        issuer_cert_authority {
          aws_pca_authority_arn = var.service_connect_private_ca_arn
        }
        role_arn = aws_iam_role.cluster_big_us_east_1_sc_tls.arn
      }
    }
  }
}

resource "aws_ecs_task_definition" "ecs_web_us_east_1" {
  family                   = "big-web"
  network_mode             = "awsvpc"
  requires_compatibilities = ["FARGATE"]
  cpu                      = "256"
  memory                   = "512"
  execution_role_arn       = aws_iam_role.cluster_big_us_east_1_execution.arn
  task_role_arn            = aws_iam_role.role_web_us_east_1.arn
  container_definitions    = jsonencode([{ name = "web", image = var.web_image, essential = true, portMappings = [{ name = "web", containerPort = 8080, protocol = "tcp", appProtocol = "http" }], environment = [{ name = "W0_ADDR", value = "w0.big.local:9000" }, { name = "W1_ADDR", value = "w1.big.local:9001" }, { name = "W2_ADDR", value = "w2.big.local:9002" }, { name = "W3_ADDR", value = "w3.big.local:9003" }, { name = "W4_ADDR", value = "w4.big.local:9004" }, { name = "W5_ADDR", value = "w5.big.local:9005" }], logConfiguration = { logDriver = "awslogs", options = { "awslogs-group" = aws_cloudwatch_log_group.cluster_big_us_east_1.name, "awslogs-region" = "us-east-1", "awslogs-stream-prefix" = "web" } } }])
}

resource "aws_ecs_service" "ecs_web_us_east_1" {
  name                               = "web"
  cluster                            = aws_ecs_cluster.cluster_big_us_east_1.id
  task_definition                    = aws_ecs_task_definition.ecs_web_us_east_1.arn
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
    subnets          = [aws_subnet.subnet_big_app_a.id, aws_subnet.subnet_big_app_b.id, aws_subnet.subnet_big_app_c.id]
    security_groups  = [aws_security_group.sg_big_web.id]
    assign_public_ip = false
  }
  load_balancer {
    container_name   = "web"
    container_port   = 8080
    target_group_arn = aws_lb_target_group.tg_big_web_8080.arn
  }
  service_connect_configuration {
    enabled   = true
    namespace = aws_service_discovery_private_dns_namespace.ns_big.arn
  }
  depends_on = [aws_lb_listener.alb_big_public_https, aws_ecs_service.ecs_w0_us_east_1, aws_ecs_service.ecs_w1_us_east_1, aws_ecs_service.ecs_w2_us_east_1, aws_ecs_service.ecs_w3_us_east_1, aws_ecs_service.ecs_w4_us_east_1, aws_ecs_service.ecs_w5_us_east_1]
}
