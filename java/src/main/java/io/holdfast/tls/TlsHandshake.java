package io.holdfast.tls;

import java.security.cert.Certificate;
import java.util.List;

/**
 * What a completed TLS handshake negotiated. Immutable.
 *
 * @param protocol the protocol version, e.g. {@code TLSv1.3}
 * @param cipherSuite the cipher suite, e.g. {@code TLS_AES_256_GCM_SHA384}
 * @param applicationProtocol the ALPN protocol agreed on, or null if none was
 * @param peerCertificates the peer's certificate chain, leaf first; empty if the peer sent none
 *     (a client without client authentication)
 * @param serverName the SNI host name the client asked for, or null if it sent none
 */
public record TlsHandshake(String protocol, String cipherSuite, String applicationProtocol,
    List<Certificate> peerCertificates, String serverName) {
  /**
   * Creates the record; the certificate list is copied.
   *
   * @throws NullPointerException if protocol, cipherSuite or peerCertificates is null
   */
  public TlsHandshake {
    java.util.Objects.requireNonNull(protocol, "protocol");
    java.util.Objects.requireNonNull(cipherSuite, "cipherSuite");
    peerCertificates = List.copyOf(peerCertificates);
  }
}
