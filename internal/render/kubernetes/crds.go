package kubernetes

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// The AWS controllers' kinds, with the fields of their published
// CustomResourceDefinitions that the export writes (the tests check every
// manifest against the CRDs kept in testdata/crds).

// API versions of the AWS controllers' kinds.
const (
	elbv2APIVersion        = "elbv2.k8s.aws/v1beta1"
	vpcResourcesAPIVersion = "vpcresources.k8s.aws/v1beta1"
	appNetworkingVersion   = "application-networking.k8s.aws/v1alpha1"
)

// targetGroupBinding binds a Service's pods to a target group the stack
// created (AWS Load Balancer Controller).
type targetGroupBinding struct {
	metav1.TypeMeta `json:",inline"`
	Metadata        metav1.ObjectMeta `json:"metadata"`
	Spec            tgbSpec           `json:"spec"`
}

type tgbSpec struct {
	ServiceRef     tgbServiceRef `json:"serviceRef"`
	TargetGroupARN string        `json:"targetGroupARN"`
	TargetType     string        `json:"targetType"`
	IPAddressType  string        `json:"ipAddressType,omitempty"`
}

type tgbServiceRef struct {
	Name string             `json:"name"`
	Port intstr.IntOrString `json:"port"`
}

// securityGroupPolicy gives the pods it selects the listed security groups
// on branch ENIs (VPC resource controller).
type securityGroupPolicy struct {
	metav1.TypeMeta `json:",inline"`
	Metadata        metav1.ObjectMeta `json:"metadata"`
	Spec            sgpSpec           `json:"spec"`
}

type sgpSpec struct {
	PodSelector    *metav1.LabelSelector `json:"podSelector"`
	SecurityGroups sgpGroups             `json:"securityGroups"`
}

type sgpGroups struct {
	GroupIDs []string `json:"groupIds"`
}

// policyTargetRef is the Gateway API policy attachment reference the AWS
// Gateway API Controller's policies use.
type policyTargetRef struct {
	Group string `json:"group"`
	Kind  string `json:"kind"`
	Name  string `json:"name"`
}

// targetGroupPolicy sets the protocol and health check of the VPC Lattice
// target group the controller makes of a Service.
type targetGroupPolicy struct {
	metav1.TypeMeta `json:",inline"`
	Metadata        metav1.ObjectMeta `json:"metadata"`
	Spec            tgpSpec           `json:"spec"`
}

type tgpSpec struct {
	TargetRef       policyTargetRef `json:"targetRef"`
	Protocol        string          `json:"protocol,omitempty"`
	ProtocolVersion string          `json:"protocolVersion,omitempty"`
	HealthCheck     *tgpHealthCheck `json:"healthCheck,omitempty"`
}

type tgpHealthCheck struct {
	Enabled                 bool   `json:"enabled"`
	IntervalSeconds         int    `json:"intervalSeconds"`
	TimeoutSeconds          int    `json:"timeoutSeconds"`
	HealthyThresholdCount   int    `json:"healthyThresholdCount"`
	UnhealthyThresholdCount int    `json:"unhealthyThresholdCount"`
	StatusMatch             string `json:"statusMatch"`
	Path                    string `json:"path"`
	Protocol                string `json:"protocol"`
	ProtocolVersion         string `json:"protocolVersion"`
}

// iamAuthPolicy is a VPC Lattice auth policy on the service a route makes.
type iamAuthPolicy struct {
	metav1.TypeMeta `json:",inline"`
	Metadata        metav1.ObjectMeta `json:"metadata"`
	Spec            iapSpec           `json:"spec"`
}

type iapSpec struct {
	TargetRef policyTargetRef `json:"targetRef"`
	Policy    string          `json:"policy"`
}
