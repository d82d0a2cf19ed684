package io.holdfast.tls;

import java.io.IOException;

/**
 * Learns, exactly once per registration and on the loop thread, how the first handshake of a
 * {@link TlsStream} ended.
 */
@FunctionalInterface
public interface TlsHandshakeListener {
  /**
   * The handshake finished, failed, or was abandoned.
   *
   * @param stream the TLS stream
   * @param handshake what was negotiated, or null if it failed
   * @param error null on success; the engine's {@link javax.net.ssl.SSLException} (for example a
   *     {@link javax.net.ssl.SSLHandshakeException} for an untrusted certificate or a wrong host
   *     name), a {@link TlsTruncationException} if the peer closed the connection, the transport's
   *     error, or {@link io.holdfast.OperationCanceledException} if the stream was closed first
   */
  void onHandshake(TlsStream stream, TlsHandshake handshake, IOException error);
}
