/**
 * Real X.509 certificates for TLS tests, made with BouncyCastle: a throwaway CA ({@link
 * io.stacklens.agent.testing.tls.TestCa}) that issues server and client certificates, valid,
 * expired or not yet valid, with EC or RSA keys, written as PEM files ({@link
 * io.stacklens.agent.testing.tls.TestCertificate}) in the formats servers and clients read.
 */
package io.stacklens.agent.testing.tls;
