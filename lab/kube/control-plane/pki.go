package main

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"
)

// The lab's certificate authority: it signs the API server's and the webhook's serving certificates and every
// client certificate (admin, controller manager, webhook), so one CA file is the trust root of all of them.
type authority struct {
	cert    *x509.Certificate
	key     crypto.Signer
	certPEM []byte
}

// A certificate and its key, written as PEM files.
type keyPair struct {
	certFile, keyFile string
	certPEM, keyPEM   []byte
}

func newAuthority() (*authority, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	template := &x509.Certificate{
		SerialNumber:          serial(),
		Subject:               pkix.Name{CommonName: "cdk-irsa lab CA"},
		NotBefore:             time.Now().Add(-time.Minute),
		NotAfter:              time.Now().Add(48 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, template, template, key.Public(), key)
	if err != nil {
		return nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	return &authority{cert: cert, key: key, certPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})}, nil
}

// serving issues a certificate for a server on loopback.
func (a *authority) serving(dir, name string) (*keyPair, error) {
	return a.issue(dir, name, &x509.Certificate{
		Subject:     pkix.Name{CommonName: name},
		DNSNames:    []string{"localhost"},
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	})
}

// client issues a certificate the API server reads as user `user` in `groups`.
func (a *authority) client(dir, name, user string, groups ...string) (*keyPair, error) {
	return a.issue(dir, name, &x509.Certificate{
		Subject:     pkix.Name{CommonName: user, Organization: groups},
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	})
}

func (a *authority) issue(dir, name string, template *x509.Certificate) (*keyPair, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	template.SerialNumber = serial()
	template.NotBefore = time.Now().Add(-time.Minute)
	template.NotAfter = time.Now().Add(48 * time.Hour)
	template.KeyUsage = x509.KeyUsageDigitalSignature
	der, err := x509.CreateCertificate(rand.Reader, template, a.cert, key.Public(), a.key)
	if err != nil {
		return nil, err
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, err
	}
	pair := &keyPair{
		certFile: filepath.Join(dir, name+".crt"),
		keyFile:  filepath.Join(dir, name+".key"),
		certPEM:  pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		keyPEM:   pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}),
	}
	if err := os.WriteFile(pair.certFile, pair.certPEM, 0o600); err != nil {
		return nil, err
	}
	return pair, os.WriteFile(pair.keyFile, pair.keyPEM, 0o600)
}

func serial() *big.Int {
	n, _ := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	return n
}

// The ServiceAccount token signing key, as kube-apiserver and kube-controller-manager read it: a private key file
// (`--service-account-signing-key-file`, `--service-account-private-key-file`) and its public half
// (`--service-account-key-file`).
type signingKey struct {
	privateFile, publicFile string
	algorithm               string
}

// signingKeyOf writes the key the lab signs with: the PEM in `given` when it is set, otherwise a new one of `kind`
// (rsa: 2048 bits, RS256, what EKS uses; ecdsa: P-256, ES256).
func signingKeyOf(dir, given, kind string) (*signingKey, error) {
	var key crypto.Signer
	var err error
	if given != "" {
		if key, err = readPrivateKey(given); err != nil {
			return nil, err
		}
	} else {
		switch kind {
		case "rsa":
			key, err = rsa.GenerateKey(rand.Reader, 2048)
		case "ecdsa":
			key, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		default:
			return nil, fmt.Errorf("--signing-key-type %q is not one of rsa, ecdsa", kind)
		}
		if err != nil {
			return nil, err
		}
	}
	algorithm, err := algorithmOf(key)
	if err != nil {
		return nil, err
	}
	privateDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, err
	}
	publicDER, err := x509.MarshalPKIXPublicKey(key.Public())
	if err != nil {
		return nil, err
	}
	out := &signingKey{
		privateFile: filepath.Join(dir, "service-account.key"),
		publicFile:  filepath.Join(dir, "service-account.pub"),
		algorithm:   algorithm,
	}
	if err := os.WriteFile(out.privateFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: privateDER}), 0o600); err != nil {
		return nil, err
	}
	return out, os.WriteFile(out.publicFile, pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: publicDER}), 0o600)
}

// The key types kube-apiserver signs ServiceAccount tokens with; smaller RSA keys and other curves are refused here
// because IAM refuses them too.
func algorithmOf(key crypto.Signer) (string, error) {
	switch k := key.(type) {
	case *rsa.PrivateKey:
		if k.N.BitLen() < 2048 {
			return "", fmt.Errorf("the signing key is RSA of %d bits; IAM needs at least 2048", k.N.BitLen())
		}
		return "RS256", nil
	case *ecdsa.PrivateKey:
		if k.Curve != elliptic.P256() {
			return "", fmt.Errorf("the signing key is ECDSA on %s; the lab signs with P-256 (ES256) only", k.Curve.Params().Name)
		}
		return "ES256", nil
	}
	return "", fmt.Errorf("the signing key is a %T; give an RSA or ECDSA P-256 private key", key)
}

func readPrivateKey(file string) (crypto.Signer, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("--signing-key: %w", err)
	}
	block, _ := pem.Decode(data)
	if block == nil {
		return nil, fmt.Errorf("--signing-key %s holds no PEM block", file)
	}
	if key, err := x509.ParsePKCS8PrivateKey(block.Bytes); err == nil {
		if signer, ok := key.(crypto.Signer); ok {
			return signer, nil
		}
	}
	if key, err := x509.ParsePKCS1PrivateKey(block.Bytes); err == nil {
		return key, nil
	}
	if key, err := x509.ParseECPrivateKey(block.Bytes); err == nil {
		return key, nil
	}
	return nil, fmt.Errorf("--signing-key %s is not a PKCS#8, PKCS#1 or SEC 1 private key (%s)", file, block.Type)
}
