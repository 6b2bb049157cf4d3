package analysis

// Reachability Analyzer's explanation codes that netwright gives, with the
// meaning AWS documents for each
// (https://docs.aws.amazon.com/vpc/latest/reachability/explanation-codes.html).
// A blocked hop carries one, so an answer reads as AWS's would.
const (
	CodeBadState              = "BAD_STATE"
	CodeBadStateAttachment    = "BAD_STATE_ATTACHMENT"
	CodeBadStateRoute         = "BAD_STATE_ROUTE"
	CodeBadStateVPN           = "BAD_STATE_VPN"
	CodeELBv2ListenersMatch   = "ELBV2_LISTENERS_MISMATCH"
	CodeELBv2ListenerNoTG     = "ELBV2_LISTENER_HAS_NO_TG"
	CodeELBv2NoTargetsInAZ    = "ELBV2_NO_TARGETS_IN_AZ"
	CodeENISGRulesMismatch    = "ENI_SG_RULES_MISMATCH"
	CodeENISourceDestCheck    = "ENI_SOURCE_DEST_CHECK_RESTRICTION"
	CodeIGWPrivateIPIngress   = "IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS"
	CodeIGWPublicIPEgress     = "IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS"
	CodeIGWDestRFC1918        = "IGW_DESTINATION_ADDRESS_NOT_IN_RFC1918_EGRESS"
	CodeIGWSourceRFC1918      = "IGW_SOURCE_ADDRESS_NOT_IN_RFC1918_INGRESS"
	CodeNGWSourceReassign     = "NGW_SOURCE_ADDRESS_REASSIGN"
	CodeNoPath                = "NO_PATH"
	CodeNoPossibleDestination = "NO_POSSIBLE_DESTINATION"
	CodeNoRoute               = "NO_ROUTE_TO_DESTINATION"
	CodePCXAddressInVPC       = "PCX_REQUIRES_ADDRESS_IN_VPC_CIDR"
	CodeProtocolRestriction   = "PROTOCOL_RESTRICTION"
	CodeSGHasNoRules          = "SG_HAS_NO_RULES"
	CodeSGReferencingSupport  = "SG_REFERENCING_SUPPORT"
	CodeSubnetACL             = "SUBNET_ACL_RESTRICTION"
	CodeTargetPort            = "TARGET_PORT_RESTRICTION"
	CodeTGWAttachNoRTB        = "TGW_ATTACH_MISSING_TGW_RTB_ASSOCIATION"
	CodeTGWBadStateVPN        = "TGW_BAD_STATE_VPN"
	CodeTGWRouteAZ            = "TGW_ROUTE_AZ_RESTRICTION"
	CodeTGWRTBBadStateRoute   = "TGW_RTB_BAD_STATE_ROUTE"
	CodeUnknownPeeredSGs      = "UNKNOWN_PEERED_SGS"
	CodeUnknownDestination    = "UNKNOWN_DESTINATION"
)

// Codes are the explanation codes netwright gives and what AWS says each
// means, for the docs and for tests that every code is one AWS has.
var Codes = map[string]string{
	CodeBadState:                                    "This component is not in a functional state.",
	CodeBadStateAttachment:                          "The attachment between these components is not in a functional state.",
	CodeBadStateRoute:                               "This route is not in a functional state.",
	CodeBadStateVPN:                                 "This VPN connection is not in a functional state.",
	CodeELBv2ListenersMatch:                         "This load balancer does not have a listener that accepts the traffic.",
	CodeELBv2ListenerNoTG:                           "This listener is associated with target groups that have no targets.",
	CodeELBv2NoTargetsInAZ:                          "The load balancer does not have targets in the specified Availability Zones.",
	CodeENISGRulesMismatch:                          "This security group has no inbound or outbound rules that apply.",
	CodeENISourceDestCheck:                          "Network interfaces with source/destination check enabled reject inbound traffic if the destination address does not match one of its private IP addresses.",
	CodeIGWPrivateIPIngress:                         "Internet gateways reject inbound traffic with a destination address that is not the public IP address of a network interface in the VPC.",
	CodeIGWPublicIPEgress:                           "Traffic can't reach the internet through the internet gateway if the source address is not paired with a public IP address.",
	CodeIGWDestRFC1918:                              "Internet gateways reject outbound traffic with destination addresses in the private IP address range (RFC1918).",
	"IGW_DESTINATION_ADDRESS_NOT_IN_RFC6598_EGRESS": "Internet gateways reject outbound traffic with destination addresses in the shared IP address range (RFC6598).",
	CodeIGWSourceRFC1918:                            "Internet gateways reject inbound traffic with source addresses in the private IP address range (RFC1918).",
	"IGW_SOURCE_ADDRESS_NOT_IN_RFC6598_INGRESS":     "Internet gateways reject inbound traffic with source addresses in the shared IP address range (RFC6598).",
	CodeNGWSourceReassign:                           "NAT gateways transform the source's addresses in outbound traffic to match its private IP address.",
	CodeNoPath:                                      "Reachability Analyzer was unable to find a path from the source to the destination.",
	CodeNoPossibleDestination:                       "The network component can't deliver the packet to any possible destination.",
	CodeNoRoute:                                     "The route table does not have an applicable route to the destination resource.",
	CodePCXAddressInVPC:                             "Traffic can traverse this peering connection only if the destination or source address is within the CIDR block of the destination VPC.",
	CodeProtocolRestriction:                         "This component only accepts traffic with specific protocols.",
	CodeSGHasNoRules:                                "This security group has no inbound or outbound rules.",
	CodeSGReferencingSupport:                        "The transit gateway VPC attachment does not have security group referencing support enabled.",
	CodeSubnetACL:                                   "Inbound or outbound traffic for a subnet must be admitted by the network ACL for the subnet.",
	CodeTargetPort:                                  "A load balancer can only route traffic to a target using its registered port.",
	CodeTGWAttachNoRTB:                              "This transit gateway attachment doesn't have a valid transit gateway route table association.",
	CodeTGWBadStateVPN:                              "This VPN connection is in a non-functional state.",
	CodeTGWRouteAZ:                                  "This transit gateway is not registered in the Availability Zone where the traffic originates.",
	CodeTGWRTBBadStateRoute:                         "This transit gateway route table has a route to the destination that is in a bad state.",
	CodeUnknownPeeredSGs:                            "One of the VPCs in the VPC peering connection is unknown; rules referencing its security groups deny traffic crossing the peering.",
	CodeUnknownDestination:                          "The path can't be extended because the information about the destination is insufficient.",
}
