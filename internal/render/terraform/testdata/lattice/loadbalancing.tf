# trivy:ignore:AVD-AWS-0132 Elastic Load Balancing writes access logs only to a bucket encrypted with S3-managed keys (SSE-S3); a KMS key is not supported
resource "aws_s3_bucket" "lb_logs_us_east_1" {
  # checkov:skip=CKV_AWS_145:Elastic Load Balancing writes access logs only to a bucket encrypted with S3-managed keys (SSE-S3); a KMS key is not supported
  bucket_prefix = "lat-us-east-1-lb-logs-"
}

resource "aws_s3_bucket_versioning" "lb_logs_us_east_1" {
  bucket = aws_s3_bucket.lb_logs_us_east_1.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_public_access_block" "lb_logs_us_east_1" {
  bucket                  = aws_s3_bucket.lb_logs_us_east_1.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_policy" "lb_logs_us_east_1" {
  bucket = aws_s3_bucket.lb_logs_us_east_1.id
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "logdelivery.elasticloadbalancing.amazonaws.com" }, Action = "s3:PutObject", Resource = "${aws_s3_bucket.lb_logs_us_east_1.arn}/*" }] })
}

resource "aws_lb_target_group" "tg_lat_web_8080" {
  name                          = "lat-web-8080"
  port                          = 8080
  protocol                      = "HTTP"
  protocol_version              = "HTTP1"
  target_type                   = "ip"
  vpc_id                        = aws_vpc.vpc_lat.id
  deregistration_delay          = 300
  load_balancing_algorithm_type = "round_robin"
  health_check {
    enabled             = true
    protocol            = "HTTP"
    port                = "traffic-port"
    path                = "/"
    matcher             = "200"
    interval            = 30
    timeout             = 5
    healthy_threshold   = 5
    unhealthy_threshold = 2
  }
}

# trivy:ignore:AVD-AWS-0053 internet-facing on purpose: it serves the public services (web); its security group admits only its listeners' ports
resource "aws_lb" "alb_lat_public" {
  name                       = "lat-public"
  load_balancer_type         = "application"
  internal                   = false
  security_groups            = [aws_security_group.sg_alb_lat_public.id]
  enable_deletion_protection = true
  subnets                    = [aws_subnet.subnet_lat_public_a.id, aws_subnet.subnet_lat_public_b.id, aws_subnet.subnet_lat_public_c.id]
  idle_timeout               = 60
  drop_invalid_header_fields = true
  access_logs {
    bucket  = aws_s3_bucket.lb_logs_us_east_1.id
    prefix  = "lat"
    enabled = true
  }
  depends_on = [aws_s3_bucket_policy.lb_logs_us_east_1, aws_internet_gateway.igw_lat]
}

resource "aws_lb_listener" "alb_lat_public_https" {
  load_balancer_arn = aws_lb.alb_lat_public.arn
  port              = 443
  protocol          = "HTTPS"
  certificate_arn   = var.certificate_arn
  ssl_policy        = "ELBSecurityPolicy-TLS13-1-2-2021-06"
  default_action {
    type = "forward"
    forward {
      target_group {
        arn    = aws_lb_target_group.tg_lat_web_8080.arn
        weight = 1
      }
    }
  }
}

resource "aws_lb_listener" "alb_lat_public_http" {
  load_balancer_arn = aws_lb.alb_lat_public.arn
  port              = 80
  protocol          = "HTTP"
  default_action {
    type = "redirect"
    redirect {
      protocol    = "HTTPS"
      port        = "443"
      status_code = "HTTP_301"
    }
  }
}
