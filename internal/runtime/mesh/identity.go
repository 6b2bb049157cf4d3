package mesh

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"math/big"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/netwright/netwright/internal/clock"
)

// Identities: every service's tasks hold an X.509-SVID from the local CA
// (spiffe://<trust domain>/<service>, one URI SAN, digitalSignature,
// serverAuth and clientAuth: SPIFFE's X509-SVID rules, MESH-FACTS 5),
// valid for an hour on the runtime's clock and renewed once half of it
// has passed, as SPIRE's agent renews. Certificates are dated and
// checked on the runtime's clock, counted from the wall-clock time the
// mesh started (the local CA's own validity is on the wall clock), so a
// test that moves its clock sees them rotate and expire.

const defaultIdentityTTL = time.Hour

type identities struct {
	ca      *x509.Certificate
	key     crypto.Signer
	clock   clock.Clock
	ttl     time.Duration
	metrics *metrics
	pool    *x509.CertPool

	// wallStart and clockStart tie the runtime's clock to the wall's.
	wallStart, clockStart time.Time

	mu     sync.Mutex
	domain string
	certs  map[string]*svid // by service
}

type svid struct {
	cert       *tls.Certificate
	notBefore  time.Time
	renewAfter time.Time
}

func newIdentities(ca *x509.Certificate, key crypto.Signer, c clock.Clock, ttl time.Duration, m *metrics) *identities {
	if ttl <= 0 {
		ttl = defaultIdentityTTL
	}
	pool := x509.NewCertPool()
	pool.AddCert(ca)
	return &identities{ca: ca, key: key, clock: c, ttl: ttl, metrics: m, pool: pool, certs: map[string]*svid{}, domain: "local",
		wallStart: time.Now(), clockStart: c.Now()}
}

// now is the runtime's clock's time, counted from the wall clock's when
// the mesh started.
func (ids *identities) now() time.Time {
	return ids.wallStart.Add(ids.clock.Now().Sub(ids.clockStart))
}

func (ids *identities) setTrustDomain(d string) {
	ids.mu.Lock()
	defer ids.mu.Unlock()
	if d != ids.domain {
		ids.domain = d
		clear(ids.certs)
	}
}

// ID is a service's SPIFFE ID.
func (ids *identities) ID(service string) string {
	ids.mu.Lock()
	defer ids.mu.Unlock()
	return "spiffe://" + ids.domain + "/" + service
}

// cert returns service's current certificate, issuing a new one when
// half the last one's life has passed.
func (ids *identities) cert(service string) (*tls.Certificate, error) {
	now := ids.now()
	ids.mu.Lock()
	defer ids.mu.Unlock()
	if s := ids.certs[service]; s != nil && now.Before(s.renewAfter) && !now.Before(s.notBefore) {
		return s.cert, nil
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	id := &url.URL{Scheme: "spiffe", Host: ids.domain, Path: "/" + service}
	serial, _ := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 128))
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		URIs:         []*url.URL{id},
		NotBefore:    now.Add(-time.Minute),
		NotAfter:     now.Add(ids.ttl),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ids.ca, &key.PublicKey, ids.key)
	if err != nil {
		return nil, fmt.Errorf("identity %s: %w", id, err)
	}
	leaf, _ := x509.ParseCertificate(der)
	c := &tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}
	if ids.certs[service] != nil {
		ids.metrics.rotations.Inc()
	}
	ids.certs[service] = &svid{cert: c, notBefore: tmpl.NotBefore, renewAfter: now.Add(ids.ttl / 2)}
	return c, nil
}

// errIdentity is a peer whose certificate is not an identity of the mesh.
var errIdentity = errors.New("not a SPIFFE identity of this mesh")

// verify checks a peer's chain to the local CA on the runtime's clock and
// returns the service its SPIFFE ID names (X509-SVID §5: one URI SAN, the
// spiffe scheme, this trust domain, a path).
func (ids *identities) verify(certs []*x509.Certificate) (string, error) {
	if len(certs) == 0 {
		return "", errors.New("no certificate")
	}
	leaf := certs[0]
	inter := x509.NewCertPool()
	for _, c := range certs[1:] {
		inter.AddCert(c)
	}
	if _, err := leaf.Verify(x509.VerifyOptions{Roots: ids.pool, Intermediates: inter, CurrentTime: ids.now(), KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}}); err != nil {
		return "", err
	}
	if leaf.IsCA || len(leaf.URIs) != 1 {
		return "", errIdentity
	}
	u := leaf.URIs[0]
	ids.mu.Lock()
	domain := ids.domain
	ids.mu.Unlock()
	if u.Scheme != "spiffe" || u.Host != domain || len(u.Path) < 2 || strings.Contains(u.Path[1:], "/") {
		return "", fmt.Errorf("%s: %w", u, errIdentity)
	}
	return u.Path[1:], nil
}

// serverTLS is the ingress's TLS for service in mode: its certificate,
// and for mutual TLS the callers' certificates asked for (required when
// strict) and checked. TLS 1.3 only, as Service Connect TLS.
func (ids *identities) serverTLS(service string, mode TLSMode) *tls.Config {
	cfg := &tls.Config{
		MinVersion: tls.VersionTLS13,
		NextProtos: []string{"h2", "http/1.1"},
		GetCertificate: func(*tls.ClientHelloInfo) (*tls.Certificate, error) {
			return ids.cert(service)
		},
		Time: ids.now,
	}
	if mode == TLSMutualStrict || mode == TLSMutualPermissive {
		cfg.ClientAuth = tls.RequireAnyClientCert
		if mode == TLSMutualPermissive {
			cfg.ClientAuth = tls.RequestClientCert
		}
		cfg.VerifyPeerCertificate = func(raw [][]byte, _ [][]*x509.Certificate) error {
			if len(raw) == 0 {
				return nil // permissive without a certificate
			}
			certs, err := parseAll(raw)
			if err != nil {
				return err
			}
			_, err = ids.verify(certs)
			return err
		}
	}
	return cfg
}

// clientTLS is a caller's proxy's TLS to a task of target: the target's
// certificate must be target's identity; with mutual TLS the caller
// presents its own.
func (ids *identities) clientTLS(caller, target string, mode TLSMode, alpn []string) *tls.Config {
	cfg := &tls.Config{
		MinVersion:         tls.VersionTLS13,
		NextProtos:         alpn,
		InsecureSkipVerify: true, // verified below, as a SPIFFE ID rather than a host name
		Time:               ids.now,
		VerifyPeerCertificate: func(raw [][]byte, _ [][]*x509.Certificate) error {
			certs, err := parseAll(raw)
			if err != nil {
				return err
			}
			got, err := ids.verify(certs)
			if err != nil {
				return err
			}
			if got != target {
				return fmt.Errorf("the server is %s, not %s", ids.ID(got), ids.ID(target))
			}
			return nil
		},
	}
	if mode == TLSMutualStrict || mode == TLSMutualPermissive {
		cfg.GetClientCertificate = func(*tls.CertificateRequestInfo) (*tls.Certificate, error) {
			return ids.cert(caller)
		}
	}
	return cfg
}

func parseAll(raw [][]byte) ([]*x509.Certificate, error) {
	out := make([]*x509.Certificate, 0, len(raw))
	for _, r := range raw {
		c, err := x509.ParseCertificate(r)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// peerService returns the service a verified TLS connection's peer is,
// or "".
func (ids *identities) peerService(st *tls.ConnectionState) string {
	if st == nil || len(st.PeerCertificates) == 0 {
		return ""
	}
	s, err := ids.verify(st.PeerCertificates)
	if err != nil {
		return ""
	}
	return s
}

// ClientTLS is the TLS a proxy of service presents to callee's tasks:
// for tests and tools that speak to a proxy as a task of service would.
func (m *Mesh) ClientTLS(service, callee string, alpn ...string) *tls.Config {
	return m.ids.clientTLS(service, callee, TLSMutualStrict, alpn)
}

// Identity returns service's SPIFFE ID and its certificate now.
func (m *Mesh) Identity(service string) (string, *x509.Certificate, error) {
	c, err := m.ids.cert(service)
	if err != nil {
		return "", nil, err
	}
	return m.ids.ID(service), c.Leaf, nil
}
