resource "aws_security_group" "sg_alb_shop_public" {
  name        = "shop-public"
  description = "The internet-facing load balancer shop-public: its listeners from clients, its targets only"
  vpc_id      = aws_vpc.vpc_shop.id
  tags = {
    Name = "shop-public"
  }
}

resource "aws_vpc_security_group_ingress_rule" "sg_alb_shop_public_ingress_0" {
  security_group_id = aws_security_group.sg_alb_shop_public.id
  ip_protocol       = "tcp"
  from_port         = 80
  to_port           = 80
  description       = "clients to shop-public on tcp 80, redirected to HTTPS"
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_ingress_rule" "sg_alb_shop_public_ingress_1" {
  security_group_id = aws_security_group.sg_alb_shop_public.id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  description       = "clients to the shop-public listener on tcp 443"
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_egress_rule" "sg_alb_shop_public_egress_0" {
  security_group_id            = aws_security_group.sg_alb_shop_public.id
  ip_protocol                  = "tcp"
  from_port                    = 3000
  to_port                      = 3000
  description                  = "shop-public forwards to storefront and checks its health on tcp 3000"
  referenced_security_group_id = aws_security_group.sg_shop_storefront.id
}

resource "aws_vpc_security_group_egress_rule" "sg_alb_shop_public_egress_1" {
  security_group_id            = aws_security_group.sg_alb_shop_public.id
  ip_protocol                  = "tcp"
  from_port                    = 8081
  to_port                      = 8081
  description                  = "shop-public forwards to tracking and checks its health on tcp 8081"
  referenced_security_group_id = aws_security_group.sg_shop_tracking.id
}

resource "aws_vpc_security_group_egress_rule" "sg_alb_shop_public_egress_2" {
  security_group_id            = aws_security_group.sg_alb_shop_public.id
  ip_protocol                  = "tcp"
  from_port                    = 50051
  to_port                      = 50051
  description                  = "shop-public forwards to mobile-api and checks its health on tcp 50051"
  referenced_security_group_id = aws_security_group.sg_shop_mobile_api.id
}

resource "aws_security_group" "sg_shop_cache" {
  name        = "shop-cache"
  description = "Tasks of cache (redis): only the declared flows"
  vpc_id      = aws_vpc.vpc_shop.id
  tags = {
    Name = "shop-cache"
  }
}

resource "aws_vpc_security_group_ingress_rule" "sg_shop_cache_ingress_0" {
  security_group_id            = aws_security_group.sg_shop_cache.id
  ip_protocol                  = "tcp"
  from_port                    = 6379
  to_port                      = 6379
  description                  = "cart calls cache on tcp 6379 (services.cart.depends_on)"
  referenced_security_group_id = aws_security_group.sg_shop_cart.id
}

resource "aws_vpc_security_group_ingress_rule" "sg_shop_cache_ingress_1" {
  security_group_id            = aws_security_group.sg_shop_cache.id
  ip_protocol                  = "tcp"
  from_port                    = 6379
  to_port                      = 6379
  description                  = "catalog calls cache on tcp 6379 (services.catalog.depends_on)"
  referenced_security_group_id = aws_security_group.sg_shop_catalog.id
}

resource "aws_security_group" "sg_shop_cart" {
  name        = "shop-cart"
  description = "Tasks of cart (service): only the declared flows"
  vpc_id      = aws_vpc.vpc_shop.id
  tags = {
    Name = "shop-cart"
  }
}

resource "aws_vpc_security_group_ingress_rule" "sg_shop_cart_ingress_0" {
  security_group_id            = aws_security_group.sg_shop_cart.id
  ip_protocol                  = "tcp"
  from_port                    = 8080
  to_port                      = 8080
  description                  = "mobile-api calls cart on tcp 8080 (services.mobile-api.depends_on)"
  referenced_security_group_id = aws_security_group.sg_shop_mobile_api.id
}

resource "aws_vpc_security_group_ingress_rule" "sg_shop_cart_ingress_1" {
  security_group_id            = aws_security_group.sg_shop_cart.id
  ip_protocol                  = "tcp"
  from_port                    = 8080
  to_port                      = 8080
  description                  = "storefront calls cart on tcp 8080 (services.storefront.depends_on)"
  referenced_security_group_id = aws_security_group.sg_shop_storefront.id
}

resource "aws_vpc_security_group_egress_rule" "sg_shop_cart_egress_0" {
  security_group_id = aws_security_group.sg_shop_cart.id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  description       = "cart reaches s3 through its gateway endpoint on tcp 443"
  prefix_list_id    = data.aws_ec2_managed_prefix_list.prefix_list_s3.id
}

data "aws_ec2_managed_prefix_list" "prefix_list_s3" {
  name = "com.amazonaws.eu-west-1.s3"
}

resource "aws_vpc_security_group_egress_rule" "sg_shop_cart_egress_1" {
  security_group_id            = aws_security_group.sg_shop_cart.id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  description                  = "cart calls AWS APIs through the interface endpoints on tcp 443"
  referenced_security_group_id = aws_security_group.sg_shop_endpoints.id
}

resource "aws_vpc_security_group_egress_rule" "sg_shop_cart_egress_2" {
  security_group_id            = aws_security_group.sg_shop_cart.id
  ip_protocol                  = "tcp"
  from_port                    = 6379
  to_port                      = 6379
  description                  = "cart calls cache on tcp 6379 (services.cart.depends_on)"
  referenced_security_group_id = aws_security_group.sg_shop_cache.id
}

resource "aws_security_group" "sg_shop_catalog" {
  name        = "shop-catalog"
  description = "Tasks of catalog (service): only the declared flows"
  vpc_id      = aws_vpc.vpc_shop.id
  tags = {
    Name = "shop-catalog"
  }
}

resource "aws_vpc_security_group_ingress_rule" "sg_shop_catalog_ingress_0" {
  security_group_id            = aws_security_group.sg_shop_catalog.id
  ip_protocol                  = "tcp"
  from_port                    = 8080
  to_port                      = 8080
  description                  = "mobile-api calls catalog on tcp 8080 (services.mobile-api.depends_on)"
  referenced_security_group_id = aws_security_group.sg_shop_mobile_api.id
}

resource "aws_vpc_security_group_ingress_rule" "sg_shop_catalog_ingress_1" {
  security_group_id            = aws_security_group.sg_shop_catalog.id
  ip_protocol                  = "tcp"
  from_port                    = 8080
  to_port                      = 8080
  description                  = "storefront calls catalog on tcp 8080 (services.storefront.depends_on)"
  referenced_security_group_id = aws_security_group.sg_shop_storefront.id
}

resource "aws_vpc_security_group_egress_rule" "sg_shop_catalog_egress_0" {
  security_group_id = aws_security_group.sg_shop_catalog.id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  description       = "catalog reaches s3 through its gateway endpoint on tcp 443"
  prefix_list_id    = data.aws_ec2_managed_prefix_list.prefix_list_s3.id
}

resource "aws_vpc_security_group_egress_rule" "sg_shop_catalog_egress_1" {
  security_group_id            = aws_security_group.sg_shop_catalog.id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  description                  = "catalog calls AWS APIs through the interface endpoints on tcp 443"
  referenced_security_group_id = aws_security_group.sg_shop_endpoints.id
}

resource "aws_vpc_security_group_egress_rule" "sg_shop_catalog_egress_2" {
  security_group_id            = aws_security_group.sg_shop_catalog.id
  ip_protocol                  = "tcp"
  from_port                    = 6379
  to_port                      = 6379
  description                  = "catalog calls cache on tcp 6379 (services.catalog.depends_on)"
  referenced_security_group_id = aws_security_group.sg_shop_cache.id
}

resource "aws_vpc_security_group_egress_rule" "sg_shop_catalog_egress_3" {
  security_group_id            = aws_security_group.sg_shop_catalog.id
  ip_protocol                  = "tcp"
  from_port                    = 7070
  to_port                      = 7070
  description                  = "catalog calls inventory on tcp 7070 (services.catalog.depends_on)"
  referenced_security_group_id = aws_security_group.sg_shop_inventory.id
}

resource "aws_default_security_group" "sg_shop_default" {
  vpc_id = aws_vpc.vpc_shop.id
}

resource "aws_security_group" "sg_shop_endpoints" {
  name        = "shop-endpoints"
  description = "Interface endpoints of shop: HTTPS from the services that call AWS APIs"
  vpc_id      = aws_vpc.vpc_shop.id
  tags = {
    Name = "shop-endpoints"
  }
}

resource "aws_vpc_security_group_ingress_rule" "sg_shop_endpoints_ingress_0" {
  security_group_id            = aws_security_group.sg_shop_endpoints.id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  description                  = "cart calls AWS APIs through the interface endpoints on tcp 443"
  referenced_security_group_id = aws_security_group.sg_shop_cart.id
}

resource "aws_vpc_security_group_ingress_rule" "sg_shop_endpoints_ingress_1" {
  security_group_id            = aws_security_group.sg_shop_endpoints.id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  description                  = "catalog calls AWS APIs through the interface endpoints on tcp 443"
  referenced_security_group_id = aws_security_group.sg_shop_catalog.id
}

resource "aws_vpc_security_group_ingress_rule" "sg_shop_endpoints_ingress_2" {
  security_group_id            = aws_security_group.sg_shop_endpoints.id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  description                  = "inventory calls AWS APIs through the interface endpoints on tcp 443"
  referenced_security_group_id = aws_security_group.sg_shop_inventory.id
}

resource "aws_vpc_security_group_ingress_rule" "sg_shop_endpoints_ingress_3" {
  security_group_id            = aws_security_group.sg_shop_endpoints.id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  description                  = "mobile-api calls AWS APIs through the interface endpoints on tcp 443"
  referenced_security_group_id = aws_security_group.sg_shop_mobile_api.id
}

resource "aws_vpc_security_group_ingress_rule" "sg_shop_endpoints_ingress_4" {
  security_group_id            = aws_security_group.sg_shop_endpoints.id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  description                  = "orders calls AWS APIs through the interface endpoints on tcp 443"
  referenced_security_group_id = aws_security_group.sg_shop_orders.id
}

resource "aws_vpc_security_group_ingress_rule" "sg_shop_endpoints_ingress_5" {
  security_group_id            = aws_security_group.sg_shop_endpoints.id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  description                  = "payments calls AWS APIs through the interface endpoints on tcp 443"
  referenced_security_group_id = aws_security_group.sg_shop_payments.id
}

resource "aws_vpc_security_group_ingress_rule" "sg_shop_endpoints_ingress_6" {
  security_group_id            = aws_security_group.sg_shop_endpoints.id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  description                  = "storefront calls AWS APIs through the interface endpoints on tcp 443"
  referenced_security_group_id = aws_security_group.sg_shop_storefront.id
}

resource "aws_vpc_security_group_ingress_rule" "sg_shop_endpoints_ingress_7" {
  security_group_id            = aws_security_group.sg_shop_endpoints.id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  description                  = "tracking calls AWS APIs through the interface endpoints on tcp 443"
  referenced_security_group_id = aws_security_group.sg_shop_tracking.id
}

resource "aws_security_group" "sg_shop_inventory" {
  name        = "shop-inventory"
  description = "Tasks of inventory (service): only the declared flows"
  vpc_id      = aws_vpc.vpc_shop.id
  tags = {
    Name = "shop-inventory"
  }
}

resource "aws_vpc_security_group_ingress_rule" "sg_shop_inventory_ingress_0" {
  security_group_id            = aws_security_group.sg_shop_inventory.id
  ip_protocol                  = "tcp"
  from_port                    = 7070
  to_port                      = 7070
  description                  = "catalog calls inventory on tcp 7070 (services.catalog.depends_on)"
  referenced_security_group_id = aws_security_group.sg_shop_catalog.id
}

resource "aws_vpc_security_group_ingress_rule" "sg_shop_inventory_ingress_1" {
  security_group_id            = aws_security_group.sg_shop_inventory.id
  ip_protocol                  = "tcp"
  from_port                    = 7070
  to_port                      = 7070
  description                  = "orders calls inventory on tcp 7070 (services.orders.depends_on)"
  referenced_security_group_id = aws_security_group.sg_shop_orders.id
}

resource "aws_vpc_security_group_egress_rule" "sg_shop_inventory_egress_0" {
  security_group_id = aws_security_group.sg_shop_inventory.id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  description       = "inventory reaches s3 through its gateway endpoint on tcp 443"
  prefix_list_id    = data.aws_ec2_managed_prefix_list.prefix_list_s3.id
}

resource "aws_vpc_security_group_egress_rule" "sg_shop_inventory_egress_1" {
  security_group_id            = aws_security_group.sg_shop_inventory.id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  description                  = "inventory calls AWS APIs through the interface endpoints on tcp 443"
  referenced_security_group_id = aws_security_group.sg_shop_endpoints.id
}

resource "aws_vpc_security_group_egress_rule" "sg_shop_inventory_egress_2" {
  security_group_id            = aws_security_group.sg_shop_inventory.id
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  description                  = "inventory calls orders-db on tcp 5432 (services.inventory.depends_on)"
  referenced_security_group_id = aws_security_group.sg_shop_orders_db.id
}

resource "aws_security_group" "sg_shop_mobile_api" {
  name        = "shop-mobile-api"
  description = "Tasks of mobile-api (service): only the declared flows"
  vpc_id      = aws_vpc.vpc_shop.id
  tags = {
    Name = "shop-mobile-api"
  }
}

resource "aws_vpc_security_group_ingress_rule" "sg_shop_mobile_api_ingress_0" {
  security_group_id            = aws_security_group.sg_shop_mobile_api.id
  ip_protocol                  = "tcp"
  from_port                    = 50051
  to_port                      = 50051
  description                  = "shop-public forwards to mobile-api and checks its health on tcp 50051"
  referenced_security_group_id = aws_security_group.sg_alb_shop_public.id
}

resource "aws_vpc_security_group_egress_rule" "sg_shop_mobile_api_egress_0" {
  security_group_id = aws_security_group.sg_shop_mobile_api.id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  description       = "mobile-api reaches s3 through its gateway endpoint on tcp 443"
  prefix_list_id    = data.aws_ec2_managed_prefix_list.prefix_list_s3.id
}

resource "aws_vpc_security_group_egress_rule" "sg_shop_mobile_api_egress_1" {
  security_group_id            = aws_security_group.sg_shop_mobile_api.id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  description                  = "mobile-api calls AWS APIs through the interface endpoints on tcp 443"
  referenced_security_group_id = aws_security_group.sg_shop_endpoints.id
}

resource "aws_vpc_security_group_egress_rule" "sg_shop_mobile_api_egress_2" {
  security_group_id            = aws_security_group.sg_shop_mobile_api.id
  ip_protocol                  = "tcp"
  from_port                    = 8080
  to_port                      = 8080
  description                  = "mobile-api calls cart on tcp 8080 (services.mobile-api.depends_on)"
  referenced_security_group_id = aws_security_group.sg_shop_cart.id
}

resource "aws_vpc_security_group_egress_rule" "sg_shop_mobile_api_egress_3" {
  security_group_id            = aws_security_group.sg_shop_mobile_api.id
  ip_protocol                  = "tcp"
  from_port                    = 8080
  to_port                      = 8080
  description                  = "mobile-api calls catalog on tcp 8080 (services.mobile-api.depends_on)"
  referenced_security_group_id = aws_security_group.sg_shop_catalog.id
}

resource "aws_vpc_security_group_egress_rule" "sg_shop_mobile_api_egress_4" {
  security_group_id            = aws_security_group.sg_shop_mobile_api.id
  ip_protocol                  = "tcp"
  from_port                    = 8080
  to_port                      = 8080
  description                  = "mobile-api calls orders on tcp 8080 (services.mobile-api.depends_on)"
  referenced_security_group_id = aws_security_group.sg_shop_orders.id
}

resource "aws_security_group" "sg_shop_orders" {
  name        = "shop-orders"
  description = "Tasks of orders (service): only the declared flows"
  vpc_id      = aws_vpc.vpc_shop.id
  tags = {
    Name = "shop-orders"
  }
}

resource "aws_vpc_security_group_ingress_rule" "sg_shop_orders_ingress_0" {
  security_group_id            = aws_security_group.sg_shop_orders.id
  ip_protocol                  = "tcp"
  from_port                    = 8080
  to_port                      = 8080
  description                  = "mobile-api calls orders on tcp 8080 (services.mobile-api.depends_on)"
  referenced_security_group_id = aws_security_group.sg_shop_mobile_api.id
}

resource "aws_vpc_security_group_ingress_rule" "sg_shop_orders_ingress_1" {
  security_group_id            = aws_security_group.sg_shop_orders.id
  ip_protocol                  = "tcp"
  from_port                    = 8080
  to_port                      = 8080
  description                  = "storefront calls orders on tcp 8080 (services.storefront.depends_on)"
  referenced_security_group_id = aws_security_group.sg_shop_storefront.id
}

resource "aws_vpc_security_group_ingress_rule" "sg_shop_orders_ingress_2" {
  security_group_id            = aws_security_group.sg_shop_orders.id
  ip_protocol                  = "tcp"
  from_port                    = 8080
  to_port                      = 8080
  description                  = "tracking calls orders on tcp 8080 (services.tracking.depends_on)"
  referenced_security_group_id = aws_security_group.sg_shop_tracking.id
}

resource "aws_vpc_security_group_egress_rule" "sg_shop_orders_egress_0" {
  security_group_id = aws_security_group.sg_shop_orders.id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  description       = "orders reaches s3 through its gateway endpoint on tcp 443"
  prefix_list_id    = data.aws_ec2_managed_prefix_list.prefix_list_s3.id
}

resource "aws_vpc_security_group_egress_rule" "sg_shop_orders_egress_1" {
  security_group_id            = aws_security_group.sg_shop_orders.id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  description                  = "orders calls AWS APIs through the interface endpoints on tcp 443"
  referenced_security_group_id = aws_security_group.sg_shop_endpoints.id
}

resource "aws_vpc_security_group_egress_rule" "sg_shop_orders_egress_2" {
  security_group_id            = aws_security_group.sg_shop_orders.id
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  description                  = "orders calls orders-db on tcp 5432 (services.orders.depends_on)"
  referenced_security_group_id = aws_security_group.sg_shop_orders_db.id
}

resource "aws_vpc_security_group_egress_rule" "sg_shop_orders_egress_3" {
  security_group_id            = aws_security_group.sg_shop_orders.id
  ip_protocol                  = "tcp"
  from_port                    = 7070
  to_port                      = 7070
  description                  = "orders calls inventory on tcp 7070 (services.orders.depends_on)"
  referenced_security_group_id = aws_security_group.sg_shop_inventory.id
}

resource "aws_vpc_security_group_egress_rule" "sg_shop_orders_egress_4" {
  security_group_id            = aws_security_group.sg_shop_orders.id
  ip_protocol                  = "tcp"
  from_port                    = 8443
  to_port                      = 8443
  description                  = "orders calls payments on tcp 8443 (services.orders.depends_on)"
  referenced_security_group_id = aws_security_group.sg_shop_payments.id
}

resource "aws_security_group" "sg_shop_orders_db" {
  name        = "shop-orders-db"
  description = "Tasks of orders-db (postgres): only the declared flows"
  vpc_id      = aws_vpc.vpc_shop.id
  tags = {
    Name = "shop-orders-db"
  }
}

resource "aws_vpc_security_group_ingress_rule" "sg_shop_orders_db_ingress_0" {
  security_group_id            = aws_security_group.sg_shop_orders_db.id
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  description                  = "inventory calls orders-db on tcp 5432 (services.inventory.depends_on)"
  referenced_security_group_id = aws_security_group.sg_shop_inventory.id
}

resource "aws_vpc_security_group_ingress_rule" "sg_shop_orders_db_ingress_1" {
  security_group_id            = aws_security_group.sg_shop_orders_db.id
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  description                  = "orders calls orders-db on tcp 5432 (services.orders.depends_on)"
  referenced_security_group_id = aws_security_group.sg_shop_orders.id
}

resource "aws_vpc_security_group_ingress_rule" "sg_shop_orders_db_ingress_2" {
  security_group_id            = aws_security_group.sg_shop_orders_db.id
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  description                  = "payments calls orders-db on tcp 5432 (services.payments.depends_on)"
  referenced_security_group_id = aws_security_group.sg_shop_payments.id
}

resource "aws_security_group" "sg_shop_payments" {
  name        = "shop-payments"
  description = "Tasks of payments (service): only the declared flows"
  vpc_id      = aws_vpc.vpc_shop.id
  tags = {
    Name = "shop-payments"
  }
}

resource "aws_vpc_security_group_ingress_rule" "sg_shop_payments_ingress_0" {
  security_group_id            = aws_security_group.sg_shop_payments.id
  ip_protocol                  = "tcp"
  from_port                    = 8443
  to_port                      = 8443
  description                  = "orders calls payments on tcp 8443 (services.orders.depends_on)"
  referenced_security_group_id = aws_security_group.sg_shop_orders.id
}

# trivy:ignore:AVD-AWS-0104 declared egress to api.stripe.com:443 (services.payments.egress): a host name, and a security group takes addresses only; the rule opens tcp 443 alone, through NAT
resource "aws_vpc_security_group_egress_rule" "sg_shop_payments_egress_0" {
  security_group_id = aws_security_group.sg_shop_payments.id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  description       = "payments egress to api.stripe.com on tcp 443 via NAT (services.payments.egress)"
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_egress_rule" "sg_shop_payments_egress_1" {
  security_group_id = aws_security_group.sg_shop_payments.id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  description       = "payments reaches s3 through its gateway endpoint on tcp 443"
  prefix_list_id    = data.aws_ec2_managed_prefix_list.prefix_list_s3.id
}

resource "aws_vpc_security_group_egress_rule" "sg_shop_payments_egress_2" {
  security_group_id            = aws_security_group.sg_shop_payments.id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  description                  = "payments calls AWS APIs through the interface endpoints on tcp 443"
  referenced_security_group_id = aws_security_group.sg_shop_endpoints.id
}

resource "aws_vpc_security_group_egress_rule" "sg_shop_payments_egress_3" {
  security_group_id            = aws_security_group.sg_shop_payments.id
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  description                  = "payments calls orders-db on tcp 5432 (services.payments.depends_on)"
  referenced_security_group_id = aws_security_group.sg_shop_orders_db.id
}

resource "aws_security_group" "sg_shop_storefront" {
  name        = "shop-storefront"
  description = "Tasks of storefront (service): only the declared flows"
  vpc_id      = aws_vpc.vpc_shop.id
  tags = {
    Name = "shop-storefront"
  }
}

resource "aws_vpc_security_group_ingress_rule" "sg_shop_storefront_ingress_0" {
  security_group_id            = aws_security_group.sg_shop_storefront.id
  ip_protocol                  = "tcp"
  from_port                    = 3000
  to_port                      = 3000
  description                  = "shop-public forwards to storefront and checks its health on tcp 3000"
  referenced_security_group_id = aws_security_group.sg_alb_shop_public.id
}

resource "aws_vpc_security_group_egress_rule" "sg_shop_storefront_egress_0" {
  security_group_id = aws_security_group.sg_shop_storefront.id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  description       = "storefront reaches s3 through its gateway endpoint on tcp 443"
  prefix_list_id    = data.aws_ec2_managed_prefix_list.prefix_list_s3.id
}

resource "aws_vpc_security_group_egress_rule" "sg_shop_storefront_egress_1" {
  security_group_id            = aws_security_group.sg_shop_storefront.id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  description                  = "storefront calls AWS APIs through the interface endpoints on tcp 443"
  referenced_security_group_id = aws_security_group.sg_shop_endpoints.id
}

resource "aws_vpc_security_group_egress_rule" "sg_shop_storefront_egress_2" {
  security_group_id            = aws_security_group.sg_shop_storefront.id
  ip_protocol                  = "tcp"
  from_port                    = 8080
  to_port                      = 8080
  description                  = "storefront calls cart on tcp 8080 (services.storefront.depends_on)"
  referenced_security_group_id = aws_security_group.sg_shop_cart.id
}

resource "aws_vpc_security_group_egress_rule" "sg_shop_storefront_egress_3" {
  security_group_id            = aws_security_group.sg_shop_storefront.id
  ip_protocol                  = "tcp"
  from_port                    = 8080
  to_port                      = 8080
  description                  = "storefront calls catalog on tcp 8080 (services.storefront.depends_on)"
  referenced_security_group_id = aws_security_group.sg_shop_catalog.id
}

resource "aws_vpc_security_group_egress_rule" "sg_shop_storefront_egress_4" {
  security_group_id            = aws_security_group.sg_shop_storefront.id
  ip_protocol                  = "tcp"
  from_port                    = 8080
  to_port                      = 8080
  description                  = "storefront calls orders on tcp 8080 (services.storefront.depends_on)"
  referenced_security_group_id = aws_security_group.sg_shop_orders.id
}

resource "aws_security_group" "sg_shop_tracking" {
  name        = "shop-tracking"
  description = "Tasks of tracking (service): only the declared flows"
  vpc_id      = aws_vpc.vpc_shop.id
  tags = {
    Name = "shop-tracking"
  }
}

resource "aws_vpc_security_group_ingress_rule" "sg_shop_tracking_ingress_0" {
  security_group_id            = aws_security_group.sg_shop_tracking.id
  ip_protocol                  = "tcp"
  from_port                    = 8081
  to_port                      = 8081
  description                  = "shop-public forwards to tracking and checks its health on tcp 8081"
  referenced_security_group_id = aws_security_group.sg_alb_shop_public.id
}

resource "aws_vpc_security_group_egress_rule" "sg_shop_tracking_egress_0" {
  security_group_id = aws_security_group.sg_shop_tracking.id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  description       = "tracking reaches s3 through its gateway endpoint on tcp 443"
  prefix_list_id    = data.aws_ec2_managed_prefix_list.prefix_list_s3.id
}

resource "aws_vpc_security_group_egress_rule" "sg_shop_tracking_egress_1" {
  security_group_id            = aws_security_group.sg_shop_tracking.id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  description                  = "tracking calls AWS APIs through the interface endpoints on tcp 443"
  referenced_security_group_id = aws_security_group.sg_shop_endpoints.id
}

resource "aws_vpc_security_group_egress_rule" "sg_shop_tracking_egress_2" {
  security_group_id            = aws_security_group.sg_shop_tracking.id
  ip_protocol                  = "tcp"
  from_port                    = 8080
  to_port                      = 8080
  description                  = "tracking calls orders on tcp 8080 (services.tracking.depends_on)"
  referenced_security_group_id = aws_security_group.sg_shop_orders.id
}
