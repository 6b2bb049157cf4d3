resource "aws_route53_resolver_endpoint" "rslvr_in_orders" {
  name               = "rslvr-in-orders"
  direction          = "INBOUND"
  security_group_ids = [aws_security_group.sg_orders_resolver_in.id]
  ip_address {
    subnet_id = aws_subnet.subnet_orders_app_a.id
  }
  ip_address {
    subnet_id = aws_subnet.subnet_orders_app_b.id
  }
  tags = {
    Name = "rslvr-in-orders"
  }
}

resource "aws_route53_resolver_endpoint" "rslvr_out_orders" {
  name               = "rslvr-out-orders"
  direction          = "OUTBOUND"
  security_group_ids = [aws_security_group.sg_orders_resolver_out.id]
  ip_address {
    subnet_id = aws_subnet.subnet_orders_app_a.id
  }
  ip_address {
    subnet_id = aws_subnet.subnet_orders_app_b.id
  }
  tags = {
    Name = "rslvr-out-orders"
  }
}

resource "aws_route53_resolver_rule" "rslvr_rule_corp_example_com" {
  name                 = "rslvr-rule-corp-example-com"
  domain_name          = "corp.example.com"
  rule_type            = "FORWARD"
  resolver_endpoint_id = aws_route53_resolver_endpoint.rslvr_out_orders.id
  target_ip {
    ip   = "10.200.0.10"
    port = 53
  }
  target_ip {
    ip   = "10.200.0.11"
    port = 53
  }
  tags = {
    Name = "rslvr-rule-corp-example-com"
  }
}

resource "aws_route53_resolver_rule_association" "rslvr_rule_corp_example_com_vpc_orders" {
  resolver_rule_id = aws_route53_resolver_rule.rslvr_rule_corp_example_com.id
  vpc_id           = aws_vpc.vpc_orders.id
}
